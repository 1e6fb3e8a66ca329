// objstore-tool: drives one lib/objstore bucket from the command line, for the end-to-end tests
// (tests/e2e/objstore_s3_test.sh): the same code paths logd and the CLI tools will use, against
// s3rver, the SigV4-checking sink and the fault proxy.
//
//   objstore-tool [options] --store s3://bucket/prefix|DIR COMMAND [ARGS]
//   commands: check | put KEY VALUE | get KEY | get-range KEY OFFSET LENGTH | head KEY |
//             list [PREFIX [DELIMITER [START_AFTER]]] | rm KEY... | rm-batch KEY...
//   options:  --timeout-ms N  --attempts N  --min-backoff-ms N  --max-backoff-ms N  --page-size N
//             --metrics (print the bucket's counters to stderr at the end)
// S3 endpoint, region and credentials come from the AWS_* environment. Errors: one line on
// stderr ending in "[<error code>]", exit status 1 (2 for usage errors).
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "objstore/open_bucket.h"

namespace {

int usage(const std::string& why) {
  std::cerr << "objstore-tool: " << why << "\n"
            << "usage: objstore-tool [--timeout-ms N] [--attempts N] [--min-backoff-ms N] [--max-backoff-ms N] "
               "[--page-size N] [--metrics] --store URL COMMAND [ARGS]\n";
  return 2;
}

int fail(const util::Error& e) {
  std::cerr << "objstore-tool: " << e.message << " [" << util::error_code_name(e.code) << "]\n";
  return 1;
}

int64_t number(const std::string& s) {
  size_t used = 0;
  long long v = std::stoll(s, &used);
  if (used != s.size()) throw std::invalid_argument(s);
  return v;
}

int run(objstore::Bucket& b, const std::vector<std::string>& args) {
  const std::string& cmd = args[0];
  auto need = [&](size_t n) { return args.size() == n + 1; };
  if (cmd == "check" && need(0)) {
    if (auto s = b.check(); !s.ok()) return fail(s.status_error());
    std::cout << "ok " << b.name() << "\n";
  } else if (cmd == "put" && need(2)) {
    if (auto s = b.put(args[1], args[2]); !s.ok()) return fail(s.status_error());
  } else if (cmd == "get" && need(1)) {
    auto r = b.get(args[1]);
    if (!r.ok()) return fail(r.status_error());
    std::cout << *r;
  } else if (cmd == "get-range" && need(3)) {
    auto r = b.get_range(args[1], static_cast<uint64_t>(number(args[2])), static_cast<uint64_t>(number(args[3])));
    if (!r.ok()) return fail(r.status_error());
    std::cout << *r;
  } else if (cmd == "head" && need(1)) {
    auto r = b.head(args[1]);
    if (!r.ok()) return fail(r.status_error());
    std::cout << "size=" << r->size << " last_modified_ns=" << r->last_modified_ns << "\n";
  } else if (cmd == "list" && args.size() <= 4) {
    objstore::ListOptions o;
    if (args.size() > 1) o.prefix = args[1];
    if (args.size() > 2) o.delimiter = args[2];
    if (args.size() > 3) o.start_after = args[3];
    auto s = b.list(o, [](const objstore::ListEntry& e) {
      std::cout << e.key << (e.is_prefix ? " (prefix)" : "") << "\n";
      return true;
    });
    if (!s.ok()) return fail(s.status_error());
  } else if (cmd == "rm" && args.size() > 1) {
    for (size_t i = 1; i < args.size(); ++i) {
      if (auto s = b.remove(args[i]); !s.ok()) return fail(s.status_error());
    }
  } else if (cmd == "rm-batch" && args.size() > 1) {
    auto r = b.remove_batch(std::vector<std::string>(args.begin() + 1, args.end()));
    for (const auto& f : r.failed) std::cerr << "not removed: " << f.key << ": " << f.error.message << "\n";
    if (!r.ok()) return fail(r.status().status_error());
  } else {
    return usage("bad command or arguments: " + cmd);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string store;
  bool print_metrics = false;
  std::vector<std::pair<std::string, int64_t>> numbers;
  std::vector<std::string> args;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (!args.empty()) {
        args.push_back(a);
      } else if (a == "--store" && i + 1 < argc) {
        store = argv[++i];
      } else if (a == "--metrics") {
        print_metrics = true;
      } else if (a.starts_with("--") && i + 1 < argc) {
        numbers.emplace_back(a, number(argv[++i]));
      } else if (a.starts_with("--")) {
        return usage("unknown option " + a);
      } else {
        args.push_back(a);
      }
    }
  } catch (const std::exception&) {
    return usage("option values must be numbers");
  }
  if (store.empty() || args.empty()) return usage("--store and a command are required");

  auto location = objstore::parse_store_location(store);
  if (!location.ok()) return fail(location.status_error());
  for (const auto& [name, v] : numbers) {
    objstore::S3Config& c = location->s3;
    if (name == "--timeout-ms") c.request_timeout_ms = v;
    else if (name == "--attempts") c.retry.max_attempts = static_cast<int>(v);
    else if (name == "--min-backoff-ms") c.retry.min_backoff_ms = v;
    else if (name == "--max-backoff-ms") c.retry.max_backoff_ms = v;
    else if (name == "--page-size") c.list_page_size = static_cast<int>(v);
    else return usage("unknown option " + name);
  }
  auto bucket = objstore::open_bucket(*location);
  if (!bucket.ok()) return fail(bucket.status_error());
  int rc = run(**bucket, args);
  if (print_metrics) {
    auto m = (*bucket)->metrics();
    std::cerr << "metrics: retries=" << m.retries << " bytes_in=" << m.bytes_in << " bytes_out=" << m.bytes_out;
    for (const auto& r : m.requests) std::cerr << " " << r.operation << "/" << r.outcome << "=" << r.count;
    std::cerr << "\n";
  }
  return rc;
}
