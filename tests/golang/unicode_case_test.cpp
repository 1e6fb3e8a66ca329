#include "golang/unicode_case.h"

#include <doctest/doctest.h>

TEST_CASE("to_lower and to_upper map every script as Go's strings.ToLower/ToUpper") {
  CHECK(golang::to_lower("HeLLo") == "hello");
  CHECK(golang::to_upper("straße") == "STRAßE");  // simple case mapping: ß has no single-rune upper
  CHECK(golang::to_lower("ÀÉÎ ĞŁŽ") == "àéî ğłž");
  CHECK(golang::to_upper("αβγ жзи") == "ΑΒΓ ЖЗИ");
  // Scripts beyond the Latin/Greek/Cyrillic tables the template engine used to carry.
  CHECK(golang::to_lower("ԱԲԳ") == "աբգ");          // Armenian
  CHECK(golang::to_upper("ａｂｃ") == "ＡＢＣ");        // fullwidth Latin
  CHECK(golang::to_lower("ᏀᏁ") == "ꮐꮑ");            // Cherokee (lowercase added in Unicode 8)
  CHECK(golang::to_upper("日本") == "日本");          // no case: unchanged
}

TEST_CASE("invalid UTF-8 becomes U+FFFD, as Go's strings.Map") {
  CHECK(golang::to_lower(std::string("A\xff" "B")) == "a\xef\xbf\xbd" "b");
  CHECK(golang::to_upper(std::string("\xc3")) == "\xef\xbf\xbd");
}

TEST_CASE("rune mapping agrees with the string mapping") {
  CHECK(golang::rune_to_upper(0x3c3) == 0x3a3);  // σ -> Σ
  CHECK(golang::rune_to_upper(0x3c2) == 0x3a3);  // final ς -> Σ
  CHECK(golang::rune_to_lower(0x130) == 'i');    // İ -> i
  CHECK(golang::rune_to_upper(0x131) == 'I');    // ı -> I
}

TEST_CASE("title separators follow Go's strings.Title") {
  CHECK(golang::is_title_separator(' '));
  CHECK(golang::is_title_separator('-'));
  CHECK_FALSE(golang::is_title_separator('_'));
  CHECK_FALSE(golang::is_title_separator('7'));
  CHECK(golang::is_title_separator(0x3000));       // ideographic space
  CHECK_FALSE(golang::is_title_separator(0x561));  // Armenian letter
  CHECK_FALSE(golang::is_title_separator(0x2014)); // em dash: neither letter nor space
}

TEST_CASE("template name characters are letters, digits and underscore of any script") {
  CHECK(golang::is_template_name_char('a'));
  CHECK(golang::is_template_name_char('_'));
  CHECK_FALSE(golang::is_template_name_char('-'));
  CHECK(golang::is_template_name_char(0x436));   // ж
  CHECK(golang::is_template_name_char(0x0661));  // Arabic-Indic digit one
  CHECK_FALSE(golang::is_template_name_char(0x2014));
}
