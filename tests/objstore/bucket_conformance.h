// The bucket conformance suite: one set of checks every Bucket backend must pass, run by
// bucket_conformance_test.cpp against the filesystem backend always and against S3 when the
// environment names an endpoint (LOGKIT_TEST_S3_ENDPOINT, see there).
//
// Each check gets an empty bucket of its own.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "objstore/bucket.h"

namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& v) {
    std::string out = "{";
    for (const auto& s : v) out += (out.size() > 1 ? ", \"" : "\"") + s + "\"";
    return (out + "}").c_str();
  }
};
}  // namespace doctest

namespace objstore_test {

// Known ways a test server falls short of S3, which the suite then tolerates (and says so).
// s3rver 3.7.1 (tests/e2e/objstore_s3_test.sh sets LOGKIT_TEST_S3_QUIRKS=s3rver):
struct Quirks {
  // Lists by walking its directory tree in name order, so "a-b" and "a.txt" come after "a/..."
  // (S3 sorts them before), and with a delimiter it misses the common prefix of objects nested
  // two levels below it ("b/" for "b/x/y/z").
  bool directory_walk_listing = false;
  // Overwrites an object in place, so a concurrent reader can get part of it (or an answer
  // announcing more bytes than it sends, which stalls until the server drops the connection).
  bool non_atomic_overwrite = false;
  // Answers any range of an empty object with 206 "bytes 0-0/0" announcing one byte it never
  // sends; the client reads that as empty, but only once the server drops the connection (5 s).
  bool empty_object_ranges_stall = false;
};

using objstore::Bucket;
using objstore::ListEntry;
using objstore::ListOptions;
using util::ErrorCode;

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/objstore-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// Every entry list() gives, as "key" for objects and "key*" for common prefixes.
inline std::vector<std::string> list_all(Bucket& b, const ListOptions& options) {
  std::vector<std::string> out;
  auto s = b.list(options, [&](const ListEntry& e) {
    out.push_back(e.is_prefix ? e.key + "*" : e.key);
    return true;
  });
  REQUIRE_MESSAGE(s.ok(), s.error());
  return out;
}

inline std::vector<std::string> list_all(Bucket& b, std::string prefix = "", std::string delimiter = "",
                                         std::string start_after = "") {
  return list_all(b, ListOptions{std::move(prefix), std::move(delimiter), std::move(start_after)});
}

inline void put_ok(Bucket& b, const std::string& key, const std::string& data) {
  auto s = b.put(key, data);
  REQUIRE_MESSAGE(s.ok(), (key + ": " + s.error()));
}

// Bytes 0..255 repeated: binary data with NULs, high bytes and no line structure.
inline std::string binary_data(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return s;
}

inline void check_put_get(Bucket& b) {
  put_ok(b, "fake/chunks/2024-01-01/x.chunk", "first");
  auto got = b.get("fake/chunks/2024-01-01/x.chunk");
  REQUIRE_MESSAGE(got.ok(), got.error());
  CHECK(*got == "first");

  put_ok(b, "fake/chunks/2024-01-01/x.chunk", "second, longer");  // replaced whole
  CHECK(b.get("fake/chunks/2024-01-01/x.chunk").value() == "second, longer");
  put_ok(b, "fake/chunks/2024-01-01/x.chunk", "3");  // and shorter again: nothing of the old stays
  CHECK(b.get("fake/chunks/2024-01-01/x.chunk").value() == "3");

  put_ok(b, "empty", "");
  CHECK(b.get("empty").value().empty());
  CHECK(b.head("empty").value().size == 0);

  std::string big = binary_data(3 * 1024 * 1024 + 17);
  put_ok(b, "big/binary", big);
  auto back = b.get("big/binary");
  REQUIRE(back.ok());
  CHECK(back->size() == big.size());
  CHECK(*back == big);

  auto attrs = b.head("big/binary");
  REQUIRE_MESSAGE(attrs.ok(), attrs.error());
  CHECK(attrs->size == big.size());
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(attrs->last_modified_ns > now - 86'400'000'000'000LL);
  CHECK(attrs->last_modified_ns < now + 86'400'000'000'000LL);
  CHECK(b.exists("big/binary").value());
}

inline void check_put_many(Bucket& b) {
  std::vector<std::string> data;
  for (int i = 0; i < 40; ++i) data.push_back(binary_data(1000 + i * 37) + std::to_string(i));
  std::vector<objstore::ObjectToPut> objects;
  for (int i = 0; i < 40; ++i) objects.push_back({"many/d" + std::to_string(i % 3) + "/o" + std::to_string(i), data[i]});
  auto s = b.put_many(objects);
  REQUIRE_MESSAGE(s.ok(), s.error());
  for (int i = 0; i < 40; ++i) {
    auto got = b.get(objects[i].key);
    REQUIRE_MESSAGE(got.ok(), got.error());
    CHECK(*got == data[i]);
  }
  CHECK(list_all(b, "many/").size() == 40);
  CHECK(b.put_many({}).ok());
  // One bad key fails the whole call before anything is written.
  auto bad = b.put_many({{"many/fine", "x"}, {"many//bad", "y"}});
  CHECK(bad.code() == util::ErrorCode::kInvalidArgument);
  CHECK_FALSE(b.exists("many/fine").value());
}

inline void check_missing_keys(Bucket& b) {
  put_ok(b, "present/a", "a");
  for (const char* key : {"absent", "present/b", "present", "absent/deeper/key"}) {
    CAPTURE(key);
    auto g = b.get(key);
    REQUIRE_FALSE(g.ok());
    CHECK(g.code() == ErrorCode::kNotFound);
    auto h = b.head(key);
    REQUIRE_FALSE(h.ok());
    CHECK(h.code() == ErrorCode::kNotFound);
    auto r = b.get_range(key, 0, 10);
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == ErrorCode::kNotFound);
    auto e = b.exists(key);
    REQUIRE(e.ok());
    CHECK_FALSE(*e);
  }
}

inline void check_get_range(Bucket& b, const Quirks& quirks) {
  const std::string data = "0123456789abcdefghij";  // 20 bytes
  put_ok(b, "range/obj", data);
  struct Case {
    uint64_t offset, length;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{{0, 1, "0"},  // the form s3rver gets wrong as bytes=0-0
                                         {0, 10, "0123456789"},
                                         {5, 3, "567"},
                                         {1, 1, "1"},
                                         {19, 1, "j"},
                                         {17, 10, "hij"},  // past the end: what there is
                                         {0, 1000, data},
                                         {20, 5, ""},      // at the end: nothing
                                         {3, 0, ""}}) {
    CAPTURE(c.offset);
    CAPTURE(c.length);
    auto got = b.get_range("range/obj", c.offset, c.length);
    REQUIRE_MESSAGE(got.ok(), got.error());
    CHECK(*got == c.want);
  }
  auto past = b.get_range("range/obj", 21, 1);
  REQUIRE_FALSE(past.ok());
  CHECK(past.code() == ErrorCode::kInvalidArgument);

  put_ok(b, "range/empty", "");
  if (quirks.empty_object_ranges_stall) {
    MESSAGE("quirk: skipping a range of an empty object (the answer stalls until the server drops the connection)");
  } else {
    auto empty = b.get_range("range/empty", 0, 5);
    REQUIRE_MESSAGE(empty.ok(), empty.error());
    CHECK(empty->empty());
  }

  std::string big = binary_data(1 << 20);
  put_ok(b, "range/big", big);
  auto mid = b.get_range("range/big", 123'457, 65'536);
  REQUIRE(mid.ok());
  CHECK(*mid == big.substr(123'457, 65'536));
}

inline void check_list_order_and_delimiter(Bucket& b, const Quirks& quirks) {
  if (quirks.directory_walk_listing) {
    MESSAGE("quirk: skipping S3's order of '-' and '.' against '/' and doubly nested common prefixes");
    for (const char* key : {"a/b", "a0", "A", "a/c/d", "a/c/e", "b/x", "ab", "a.txt"}) put_ok(b, key, key);
    CHECK(list_all(b, "", "/") == std::vector<std::string>{"A", "a.txt", "a/*", "a0", "ab", "b/*"});
    CHECK(list_all(b, "a/", "/") == std::vector<std::string>{"a/b", "a/c/*"});
    CHECK(list_all(b, "a/") == std::vector<std::string>{"a/b", "a/c/d", "a/c/e"});
    CHECK(list_all(b, "a/", "", "a/c/d") == std::vector<std::string>{"a/c/e"});
    CHECK(list_all(b, "", "/", "a0") == std::vector<std::string>{"ab", "b/*"});
  } else {
    // Byte-wise order on the whole key: '-' (0x2d) < '.' (0x2e) < '/' (0x2f) < '0' < 'A' < 'a'.
    for (const char* key : {"a/b", "a-b", "a.txt", "a0", "A", "a/c/d", "a/c/e", "b/x/y/z", "ab"}) put_ok(b, key, key);
    CHECK(list_all(b) == std::vector<std::string>{"A", "a-b", "a.txt", "a/b", "a/c/d", "a/c/e", "a0", "ab", "b/x/y/z"});
    CHECK(list_all(b, "a/") == std::vector<std::string>{"a/b", "a/c/d", "a/c/e"});
    CHECK(list_all(b, "a") == std::vector<std::string>{"a-b", "a.txt", "a/b", "a/c/d", "a/c/e", "a0", "ab"});
    CHECK(list_all(b, "", "/") == std::vector<std::string>{"A", "a-b", "a.txt", "a/*", "a0", "ab", "b/*"});
    CHECK(list_all(b, "a/", "/") == std::vector<std::string>{"a/b", "a/c/*"});
    CHECK(list_all(b, "a/c", "/") == std::vector<std::string>{"a/c/*"});
    CHECK(list_all(b, "b/x/", "/") == std::vector<std::string>{"b/x/y/*"});
    CHECK(list_all(b, "nothing/") == std::vector<std::string>{});
    CHECK(list_all(b, "", "", "a/b") == std::vector<std::string>{"a/c/d", "a/c/e", "a0", "ab", "b/x/y/z"});
    CHECK(list_all(b, "a/", "", "a/c/d") == std::vector<std::string>{"a/c/e"});
    CHECK(list_all(b, "", "/", "a0") == std::vector<std::string>{"ab", "b/*"});
    // A delimiter other than '/': keys roll up at the first '.' after the prefix.
    CHECK(list_all(b, "a", ".") == std::vector<std::string>{"a-b", "a.*", "a/b", "a/c/d", "a/c/e", "a0", "ab"});
  }

  // The attributes come with the entries.
  bool seen = false;
  REQUIRE(b.list(ListOptions{"a.txt", "", ""}, [&](const ListEntry& e) {
     seen = true;
     CHECK(e.key == "a.txt");
     CHECK_FALSE(e.is_prefix);
     CHECK(e.size == 5);
     CHECK(e.last_modified_ns > 0);
     return true;
   }).ok());
  CHECK(seen);
}

// More keys than one S3 page holds (the S3 test sets max-keys small), with and without a
// delimiter, and a callback that stops early.
inline void check_list_pagination(Bucket& b) {
  std::vector<std::string> keys;
  for (int day = 1; day <= 4; ++day) {
    for (int i = 0; i < 6; ++i) {
      keys.push_back("t/chunks/2024-01-0" + std::to_string(day) + "/c" + std::to_string(i));
      put_ok(b, keys.back(), "x");
    }
  }
  std::sort(keys.begin(), keys.end());
  CHECK(list_all(b, "t/") == keys);
  CHECK(list_all(b, "t/chunks/", "/") == std::vector<std::string>{"t/chunks/2024-01-01/*", "t/chunks/2024-01-02/*",
                                                                   "t/chunks/2024-01-03/*", "t/chunks/2024-01-04/*"});
  CHECK(list_all(b, "t/chunks/2024-01-0", "/", "t/chunks/2024-01-02/c9") ==
        std::vector<std::string>{"t/chunks/2024-01-03/*", "t/chunks/2024-01-04/*"});
  std::vector<std::string> after(keys.begin() + 10, keys.end());
  CHECK(list_all(b, "t/", "", keys[9]) == after);

  std::vector<std::string> first;
  REQUIRE(b.list(ListOptions{"t/", "", ""}, [&](const ListEntry& e) {
     first.push_back(e.key);
     return first.size() < 7;
   }).ok());
  CHECK(first == std::vector<std::string>(keys.begin(), keys.begin() + 7));
}

inline void check_remove(Bucket& b, const Quirks& quirks) {
  put_ok(b, "d/1/a", "a");
  put_ok(b, "d/1/b", "b");
  put_ok(b, "d/2/c", "c");
  REQUIRE(b.remove("d/1/a").ok());
  CHECK(b.get("d/1/a").code() == ErrorCode::kNotFound);
  CHECK(b.get("d/1/b").value() == "b");
  CHECK(b.remove("d/1/a").ok());  // again: idempotent
  CHECK(b.remove("never/was").ok());
  REQUIRE(b.remove("d/1/b").ok());
  // An emptied "directory" is no common prefix.
  CHECK(list_all(b, "d/", "/") == std::vector<std::string>{"d/2/*"});
  if (!quirks.directory_walk_listing) CHECK(list_all(b, "", "/") == std::vector<std::string>{"d/*"});
  // A key can be written again where everything was removed.
  put_ok(b, "d/1/a", "again");
  CHECK(b.get("d/1/a").value() == "again");
}

inline void check_remove_batch(Bucket& b) {
  std::vector<std::string> keys;
  for (int i = 0; i < 23; ++i) {
    keys.push_back("batch/k" + std::to_string(100 + i));
    put_ok(b, keys.back(), "v");
  }
  put_ok(b, "batch/keep", "kept");
  std::vector<std::string> doomed = keys;
  doomed.push_back("batch/missing");  // missing keys count as removed, as in S3
  doomed.push_back("bad//key");       // invalid: reported, the others still removed
  auto result = b.remove_batch(doomed);
  REQUIRE(result.failed.size() == 1);
  CHECK(result.failed[0].key == "bad//key");
  CHECK(result.failed[0].error.code == ErrorCode::kInvalidArgument);
  CHECK(result.status().code() == ErrorCode::kInvalidArgument);
  CHECK(list_all(b, "batch/") == std::vector<std::string>{"batch/keep"});
  CHECK(b.remove_batch({}).ok());
}

// Keys with characters that URL encoding and SigV4 canonicalization must get right.
inline void check_special_keys(Bucket& b) {
  const std::vector<std::string> keys = {
      "sp ace/with space.txt", "co:lon/a:b", "plus+equals=/a+b=c", "unicode/\xe1\x88\xb4-caf\xc3\xa9",
      "amp&/q?x#y", "pct%20/100%", "reserved/$@!'()*,;~", "tilde~/under_score-dash.dot",
  };
  for (const auto& k : keys) put_ok(b, k, "data of " + k);
  for (const auto& k : keys) {
    CAPTURE(k);
    auto got = b.get(k);
    REQUIRE_MESSAGE(got.ok(), got.error());
    CHECK(*got == "data of " + k);
    CHECK(b.head(k).value().size == k.size() + 8);
  }
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  CHECK(list_all(b) == sorted);
  // Prefixes and start-after values with the same characters (query-string encoding).
  CHECK(list_all(b, "plus+equals=/") == std::vector<std::string>{"plus+equals=/a+b=c"});
  CHECK(list_all(b, "sp ace/") == std::vector<std::string>{"sp ace/with space.txt"});
  CHECK(list_all(b, "unicode/\xe1\x88\xb4") == std::vector<std::string>{"unicode/\xe1\x88\xb4-caf\xc3\xa9"});
  CHECK(list_all(b, "", "/", "pct%20/~") == std::vector<std::string>{"plus+equals=/*", "reserved/*", "sp ace/*",
                                                                     "tilde~/*", "unicode/*"});
  // Pages whose continuation tokens carry '+' and '=' (S3 tokens are base64).
  for (int i = 0; i < 9; ++i) put_ok(b, "plus+equals=/page+" + std::to_string(i) + "=", "p");
  CHECK(list_all(b, "plus+equals=/").size() == 10);
  CHECK(b.remove("co:lon/a:b").ok());
  CHECK(b.get("co:lon/a:b").code() == ErrorCode::kNotFound);
}

inline void check_invalid_keys(Bucket& b) {
  for (std::string key : {std::string(""), std::string("/abs"), std::string("a//b"), std::string("a/../b"),
                          std::string(".."), std::string("a/./b"), std::string("trailing/"),
                          std::string("nul\0byte", 8), std::string("new\nline"), std::string(1025, 'k'),
                          std::string("x.tmp.1.2.3")}) {
    CAPTURE(key);
    CHECK(b.put(key, "x").code() == ErrorCode::kInvalidArgument);
    CHECK(b.get(key).code() == ErrorCode::kInvalidArgument);
    CHECK(b.head(key).code() == ErrorCode::kInvalidArgument);
    CHECK(b.remove(key).code() == ErrorCode::kInvalidArgument);
  }
  CHECK(b.list(ListOptions{"/abs", "", ""}, [](const ListEntry&) { return true; }).code() == ErrorCode::kInvalidArgument);
  CHECK(list_all(b).empty());  // nothing was written
}

inline void check_cancelled(Bucket& b) {
  std::stop_source source;
  source.request_stop();
  CHECK(b.put("c/k", "x", source.get_token()).code() == ErrorCode::kCancelled);
  CHECK(b.get("c/k", source.get_token()).code() == ErrorCode::kCancelled);
  CHECK(b.list(ListOptions{}, [](const ListEntry&) { return true; }, source.get_token()).code() == ErrorCode::kCancelled);
  CHECK(b.get("c/k").code() == ErrorCode::kNotFound);  // the cancelled put wrote nothing
}

// Writers replace one key while readers read it: every read is one whole version. Other
// writers put keys of their own at the same time. (Against a server that overwrites in place,
// the readers read a key nobody rewrites.)
inline void check_concurrent_puts(Bucket& b, const Quirks& quirks) {
  const std::string a(200'000, 'a'), z(300'000, 'z');
  put_ok(b, "hot/key", a);
  put_ok(b, "cold/key", z);
  const std::string read_key = quirks.non_atomic_overwrite ? "cold/key" : "hot/key";
  if (quirks.non_atomic_overwrite) MESSAGE("quirk: readers read a key no writer rewrites");
  std::atomic<int> torn{0}, failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 3; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 8; ++i) {
        if (!b.put("hot/key", (i + w) % 2 ? z : a).ok()) ++failures;
        if (!b.put("own/w" + std::to_string(w) + "/" + std::to_string(i), std::to_string(i)).ok()) ++failures;
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      for (int i = 0; i < 12; ++i) {
        auto got = b.get(read_key);
        if (!got.ok()) {
          ++failures;
        } else if (*got != a && *got != z) {
          ++torn;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(torn == 0);
  CHECK(list_all(b, "own/").size() == 24);
  if (!quirks.non_atomic_overwrite) {  // concurrent in-place overwrites leave a mix
    auto last = b.get("hot/key");
    REQUIRE(last.ok());
    CHECK((*last == a || *last == z));
  }
}

using BucketFactory = std::function<std::unique_ptr<Bucket>()>;

// The suite, one subcase per check, each on a fresh bucket from `make`.
inline void run_conformance(const BucketFactory& make, const Quirks& quirks = {}) {
  SUBCASE("put and get") { check_put_get(*make()); }
  SUBCASE("put_many") { check_put_many(*make()); }
  SUBCASE("missing keys") { check_missing_keys(*make()); }
  SUBCASE("get_range") { check_get_range(*make(), quirks); }
  SUBCASE("list order, prefix, start-after and delimiter") { check_list_order_and_delimiter(*make(), quirks); }
  SUBCASE("list pagination and early stop") { check_list_pagination(*make()); }
  SUBCASE("remove") { check_remove(*make(), quirks); }
  SUBCASE("remove_batch") { check_remove_batch(*make()); }
  SUBCASE("keys with spaces, ':', '+', '=', unicode") { check_special_keys(*make()); }
  SUBCASE("invalid keys") { check_invalid_keys(*make()); }
  SUBCASE("cancelled") { check_cancelled(*make()); }
  SUBCASE("concurrent puts and gets") { check_concurrent_puts(*make(), quirks); }
}

}  // namespace objstore_test
