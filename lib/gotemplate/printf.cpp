#include "gotemplate/printf.h"

#include <charconv>
#include <cmath>

#include "golang/float_format.h"
#include "golang/quote.h"
#include "golang/utf8.h"

namespace gotemplate {

namespace {

struct Spec {
  bool minus = false, plus = false, sharp = false, space = false, zero = false;
  int width = -1, prec = -1;
};

size_t rune_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len;
    golang::decode_utf8(s, i, len);
    i += len;
    ++n;
  }
  return n;
}

// Pads `body` to the width; zero padding goes after a leading sign.
void pad(std::string& out, std::string_view body, const Spec& sp, bool zero_ok) {
  size_t n = rune_count(body);
  if (sp.width < 0 || n >= static_cast<size_t>(sp.width)) {
    out += body;
    return;
  }
  size_t fill = static_cast<size_t>(sp.width) - n;
  if (sp.minus) {
    out += body;
    out.append(fill, ' ');
  } else if (sp.zero && zero_ok) {
    if (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) {
      out += body[0];
      body.remove_prefix(1);
    }
    out.append(fill, '0');
    out += body;
  } else {
    out.append(fill, ' ');
    out += body;
  }
}

const char kLowerHex[] = "0123456789abcdef";
const char kUpperHex[] = "0123456789ABCDEF";

void fmt_integer(std::string& out, int64_t v, char verb, const Spec& sp) {
  bool neg = v < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
  int base = 10;
  const char* digits = kLowerHex;
  switch (verb) {
    case 'b': base = 2; break;
    case 'o': case 'O': base = 8; break;
    case 'x': base = 16; break;
    case 'X': base = 16; digits = kUpperHex; break;
    default: break;
  }
  std::string d;
  if (u == 0 && sp.prec == 0) {
    d = "";
  } else {
    do {
      d.insert(d.begin(), digits[u % static_cast<uint64_t>(base)]);
      u /= static_cast<uint64_t>(base);
    } while (u);
  }
  bool zero_pad = sp.zero && !sp.minus && sp.prec < 0 && sp.width > 0;
  if (sp.prec > 0 && d.size() < static_cast<size_t>(sp.prec)) d.insert(0, static_cast<size_t>(sp.prec) - d.size(), '0');
  std::string prefix;
  if (sp.sharp) {
    if (verb == 'o' && (d.empty() || d[0] != '0')) prefix = "0";
    if (verb == 'x') prefix = "0x";
    if (verb == 'X') prefix = "0X";
    if (verb == 'b') prefix = "0b";
  }
  if (verb == 'O') prefix = "0o";
  std::string sign = neg ? "-" : sp.plus ? "+" : sp.space ? " " : "";
  if (zero_pad) {
    size_t used = sign.size() + prefix.size() + d.size();
    if (used < static_cast<size_t>(sp.width)) d.insert(0, static_cast<size_t>(sp.width) - used, '0');
  }
  std::string body = sign + prefix + d;
  Spec nz = sp;
  nz.zero = false;
  pad(out, body, nz, false);
}

void fmt_float(std::string& out, double f, char verb, const Spec& sp) {
  std::string body;
  char fmt = verb == 'v' ? 'g' : verb;
  int prec = sp.prec;
  if (fmt == 'F') fmt = 'f';
  if ((fmt == 'e' || fmt == 'E' || fmt == 'f') && prec < 0) prec = 6;
  golang::append_float(body, f, fmt, prec);
  if (sp.plus && body[0] != '-' && body[0] != '+') body.insert(0, "+");
  else if (sp.space && body[0] != '-' && body[0] != '+') body.insert(0, " ");
  if (std::isinf(f) || std::isnan(f)) {
    Spec nz = sp;
    nz.zero = false;
    pad(out, body, nz, false);
    return;
  }
  pad(out, body, sp, !sp.minus);
}

void fmt_string(std::string& out, std::string_view s, char verb, const Spec& sp) {
  if (verb == 'q') {
    if (sp.sharp && s.find('`') == std::string_view::npos && golang::is_valid_utf8(s) &&
        s.find_first_of("\n\r\t\x7f") == std::string_view::npos) {
      pad(out, "`" + std::string(s) + "`", sp, true);
    } else {
      pad(out, golang::quote(s), sp, true);
    }
    return;
  }
  if (verb == 'x' || verb == 'X') {
    const char* digits = verb == 'x' ? kLowerHex : kUpperHex;
    std::string body;
    size_t n = sp.prec >= 0 ? std::min(s.size(), static_cast<size_t>(sp.prec)) : s.size();
    for (size_t i = 0; i < n; ++i) {
      if (sp.space && i > 0) body += ' ';
      if (sp.sharp && (sp.space || i == 0)) body += verb == 'x' ? "0x" : "0X";
      unsigned char c = static_cast<unsigned char>(s[i]);
      body += digits[c >> 4];
      body += digits[c & 15];
    }
    pad(out, body, sp, true);
    return;
  }
  if (sp.prec >= 0) {
    size_t i = 0, runes = 0;
    while (i < s.size() && runes < static_cast<size_t>(sp.prec)) {
      size_t len;
      golang::decode_utf8(s, i, len);
      i += len;
      ++runes;
    }
    s = s.substr(0, i);
  }
  pad(out, s, sp, true);
}

void bad_verb(std::string& out, char verb, const Value& v) {
  out += "%!";
  out += verb;
  out += '(';
  if (v.is_nil()) {
    out += "<nil>";
  } else {
    out += v.type_name();
    out += '=';
    append_go_value(out, v);
  }
  out += ')';
}

void fmt_value(std::string& out, const Value& v, char verb, const Spec& sp) {
  if (verb == 'T') {
    fmt_string(out, v.is_nil() ? "<nil>" : v.type_name(), 's', sp);
    return;
  }
  switch (v.kind()) {
    case Value::Kind::kNil:
      if (verb == 'v') pad(out, "<nil>", sp, false);
      else bad_verb(out, verb, v);
      return;
    case Value::Kind::kBool:
      if (verb == 't' || verb == 'v') pad(out, v.as_bool() ? "true" : "false", sp, false);
      else bad_verb(out, verb, v);
      return;
    case Value::Kind::kInt:
      switch (verb) {
        case 'v': case 'd': case 'b': case 'o': case 'O': case 'x': case 'X':
          fmt_integer(out, v.as_int(), verb == 'v' ? 'd' : verb, sp);
          return;
        case 'c': {
          std::string s;
          golang::append_utf8(s, static_cast<uint32_t>(v.as_int()));
          pad(out, s, sp, false);
          return;
        }
        case 'q': {
          std::string s;
          golang::append_utf8(s, static_cast<uint32_t>(v.as_int()));
          std::string q = golang::quote(s);
          pad(out, "'" + q.substr(1, q.size() - 2) + "'", sp, false);
          return;
        }
        case 'U': {
          char buf[32];
          std::snprintf(buf, sizeof buf, "U+%04llX", static_cast<unsigned long long>(v.as_int()));
          pad(out, buf, sp, false);
          return;
        }
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
        default: bad_verb(out, verb, v); return;
      }
    case Value::Kind::kFloat:
      switch (verb) {
        case 'v': case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
          fmt_float(out, v.as_float(), verb, sp);
          return;
        default: bad_verb(out, verb, v); return;
      }
    case Value::Kind::kString:
      switch (verb) {
        case 'v': case 's': case 'q': case 'x': case 'X': fmt_string(out, v.as_string(), verb, sp); return;
        default: bad_verb(out, verb, v); return;
      }
    case Value::Kind::kTime:
      switch (verb) {
        case 'v': case 's': case 'q': case 'x': case 'X': fmt_string(out, golang::time_string(v.as_time()), verb, sp); return;
        default: bad_verb(out, verb, v); return;
      }
    default:
      pad(out, go_value_string(v), sp, false);
  }
}

}  // namespace

void go_sprintf(std::string& out, std::string_view f, const std::vector<Value>& args, size_t first_arg) {
  size_t argi = first_arg;
  size_t i = 0;
  while (i < f.size()) {
    size_t pct = f.find('%', i);
    if (pct == std::string_view::npos) {
      out += f.substr(i);
      break;
    }
    out += f.substr(i, pct - i);
    i = pct + 1;
    Spec sp;
    for (; i < f.size(); ++i) {
      char c = f[i];
      if (c == '#') sp.sharp = true;
      else if (c == '0') sp.zero = !sp.minus;
      else if (c == '+') sp.plus = true;
      else if (c == '-') sp.minus = true, sp.zero = false;
      else if (c == ' ') sp.space = true;
      else break;
    }
    auto read_num = [&](int& n) {
      size_t start = i;
      n = 0;
      while (i < f.size() && f[i] >= '0' && f[i] <= '9' && n < 1000000) n = n * 10 + (f[i++] - '0');
      return i > start;
    };
    bool bad_width = false, bad_prec = false;
    if (i < f.size() && f[i] == '*') {
      ++i;
      // Go's fmt refuses widths and precisions past a million (tooLarge): %!(BADWIDTH).
      if (argi < args.size() && args[argi].kind() == Value::Kind::kInt && std::abs(args[argi].as_int()) <= 1'000'000) {
        int64_t w = args[argi++].as_int();
        if (w < 0) {
          sp.minus = true;
          sp.zero = false;
          w = -w;
        }
        sp.width = static_cast<int>(w);
      } else {
        if (argi < args.size()) ++argi;
        bad_width = true;
      }
    } else {
      int w;
      if (read_num(w)) sp.width = w;
    }
    if (i < f.size() && f[i] == '.') {
      ++i;
      if (i < f.size() && f[i] == '*') {
        ++i;
        if (argi < args.size() && args[argi].kind() == Value::Kind::kInt &&
            std::abs(args[argi].as_int()) <= 1'000'000) {
          int64_t p = args[argi++].as_int();
          sp.prec = p < 0 ? -1 : static_cast<int>(p);
        } else {
          if (argi < args.size()) ++argi;
          bad_prec = true;
        }
      } else {
        int p = 0;
        read_num(p);
        sp.prec = p;
      }
    }
    if (bad_width) out += "%!(BADWIDTH)";
    if (bad_prec) out += "%!(BADPREC)";
    if (i >= f.size()) {
      out += "%!(NOVERB)";
      break;
    }
    size_t vlen;
    int32_t verb_cp = golang::decode_utf8(f, i, vlen);
    std::string_view verb_text = f.substr(i, vlen);
    i += vlen;
    if (verb_cp == '%') {
      out += '%';
      continue;
    }
    char verb = vlen == 1 ? static_cast<char>(verb_cp) : '?';
    if (argi >= args.size()) {
      out += "%!";
      out += verb_text;
      out += "(MISSING)";
      continue;
    }
    if (vlen != 1) {
      out += "%!";
      out += verb_text;
      out += '(';
      const Value& v = args[argi++];
      if (v.is_nil()) out += "<nil>";
      else out += v.type_name() + "=" + go_value_string(v);
      out += ')';
      continue;
    }
    fmt_value(out, args[argi++], verb, sp);
  }
  if (argi < args.size()) {
    out += "%!(EXTRA ";
    for (size_t k = argi; k < args.size(); ++k) {
      if (k > argi) out += ", ";
      if (args[k].is_nil()) {
        out += "<nil>";
      } else {
        out += args[k].type_name();
        out += '=';
        append_go_value(out, args[k]);
      }
    }
    out += ')';
  }
}

void go_sprint(std::string& out, const std::vector<Value>& args) {
  for (size_t k = 0; k < args.size(); ++k) {
    bool is_string = args[k].kind() == Value::Kind::kString;
    if (k > 0 && !is_string && args[k - 1].kind() != Value::Kind::kString) out += ' ';
    append_go_value(out, args[k]);
  }
}

void go_sprintln(std::string& out, const std::vector<Value>& args) {
  for (size_t k = 0; k < args.size(); ++k) {
    if (k > 0) out += ' ';
    append_go_value(out, args[k]);
  }
  out += '\n';
}

}  // namespace gotemplate
