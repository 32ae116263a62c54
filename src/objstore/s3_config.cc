#include "objstore/s3_config.h"

#include <cstdlib>

namespace ingot::objstore {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool LooksLikeIpv4(std::string_view s) {
  int dots = 0;
  int digits = 0;
  for (char c : s) {
    if (c == '.') {
      if (digits == 0) return false;
      ++dots;
      digits = 0;
    } else if (c >= '0' && c <= '9') {
      if (++digits > 3) return false;
    } else {
      return false;
    }
  }
  return dots == 3 && digits > 0;
}

// Why `bucket` is not a valid S3 bucket name (general purpose buckets), or empty if it is.
std::string BucketNameProblem(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return "must be 3 to 63 characters long";
  for (char c : bucket) {
    if (!IsLowerAlnum(c) && c != '.' && c != '-') {
      return "may contain only lowercase letters, digits, '.' and '-'";
    }
  }
  if (!IsLowerAlnum(bucket.front()) || !IsLowerAlnum(bucket.back())) {
    return "must start and end with a lowercase letter or a digit";
  }
  if (bucket.find("..") != std::string_view::npos) return "must not contain \"..\"";
  if (bucket.find(".-") != std::string_view::npos || bucket.find("-.") != std::string_view::npos) {
    return "must not contain \".-\" or \"-.\"";
  }
  if (LooksLikeIpv4(bucket)) return "must not be an IP address";
  if (bucket.starts_with("xn--") || bucket.starts_with("sthree-") || bucket.ends_with("-s3alias") ||
      bucket.ends_with("--ol-s3")) {
    return "uses a prefix or suffix S3 reserves (xn--, sthree-, -s3alias, --ol-s3)";
  }
  return {};
}

std::string Get(const EnvGetter& env, const char* name) {
  std::optional<std::string> v = env(name);
  return v ? *v : std::string();
}

// Parses an endpoint URL "http(s)://host[:port][/]" into `config`.
Status ParseEndpoint(const std::string& name, const std::string& url, S3Config& config) {
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    config.https = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    config.https = false;
    rest.remove_prefix(7);
  } else {
    return Status::InvalidInput(name + "=" + url + ": expected http://host[:port] or https://...");
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) {
    return Status::InvalidInput(name + "=" + url +
                                ": expected a scheme and host[:port] only (no path, query or "
                                "user), e.g. http://127.0.0.1:9000");
  }
  config.authority = std::string(rest);
  config.path_style = true;
  return Status::Ok();
}

}  // namespace

EnvGetter ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

Result<S3Location> ParseS3Url(std::string_view url) {
  constexpr std::string_view kScheme = "s3://";
  if (!url.starts_with(kScheme)) {
    return Status::InvalidInput("object store \"" + std::string(url) +
                                "\": expected s3://<bucket>/<prefix>");
  }
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return Status::InvalidInput(
        "object store \"" + std::string(url) +
        "\": no query or fragment allowed, expected s3://<bucket>/<prefix>");
  }
  std::size_t slash = rest.find('/');
  S3Location loc;
  loc.bucket = std::string(rest.substr(0, slash));
  std::string_view prefix = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  if (std::string problem = BucketNameProblem(loc.bucket); !problem.empty()) {
    return Status::InvalidInput("object store \"" + std::string(url) + "\": bucket name \"" +
                                loc.bucket + "\" " + problem);
  }
  if (prefix.starts_with('/') || prefix.find("//") != std::string_view::npos) {
    return Status::InvalidInput("object store \"" + std::string(url) +
                                "\": the prefix has an empty path segment (\"//\")");
  }
  loc.prefix = std::string(prefix);
  return loc;
}

std::string S3Config::BaseUrl() const { return (https ? "https://" : "http://") + authority; }

std::string S3Config::FullKey(std::string_view key) const {
  if (location.prefix.empty()) return std::string(key);
  std::string full = location.prefix;
  full += '/';
  full += key;
  return full;
}

std::string S3Config::RawPath(std::string_view object_key) const {
  std::string path = "/";
  if (path_style) {
    path += location.bucket;
    if (!object_key.empty()) path += '/';
  }
  path += object_key;
  return path;
}

std::string S3Config::Describe(std::string_view key) const {
  std::string d = "s3://" + location.bucket + "/";
  if (!location.prefix.empty()) d += location.prefix + "/";
  d += key;
  return d;
}

Result<S3Config> S3ConfigFromUrl(std::string_view url, const EnvGetter& env) {
  Result<S3Location> loc = ParseS3Url(url);
  if (!loc.ok()) return loc.status();
  S3Config config;
  config.location = std::move(loc).value();
  config.access_key_id = Get(env, "AWS_ACCESS_KEY_ID");
  config.secret_access_key = Get(env, "AWS_SECRET_ACCESS_KEY");
  config.session_token = Get(env, "AWS_SESSION_TOKEN");
  if (config.access_key_id.empty() || config.secret_access_key.empty()) {
    return Status::InvalidInput("object store " + std::string(url) +
                                ": AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set "
                                "(instance profiles and credential files are not read)");
  }
  config.region = Get(env, "AWS_REGION");
  if (config.region.empty()) config.region = Get(env, "AWS_DEFAULT_REGION");
  if (config.region.empty()) config.region = "us-east-1";
  for (char c : config.region) {
    if (!IsLowerAlnum(c) && c != '-') {
      return Status::InvalidInput("AWS region \"" + config.region +
                                  "\": expected lowercase letters, digits and '-'");
    }
  }
  std::string endpoint_var = "AWS_ENDPOINT_URL_S3";
  std::string endpoint = Get(env, "AWS_ENDPOINT_URL_S3");
  if (endpoint.empty()) {
    endpoint_var = "AWS_ENDPOINT_URL";
    endpoint = Get(env, "AWS_ENDPOINT_URL");
  }
  if (!endpoint.empty()) {
    INGOT_RETURN_IF_ERROR(ParseEndpoint(endpoint_var, endpoint, config));
  } else if (config.location.bucket.find('.') != std::string::npos) {
    config.https = true;
    config.path_style = true;
    config.authority = "s3." + config.region + ".amazonaws.com";
  } else {
    config.https = true;
    config.path_style = false;
    config.authority = config.location.bucket + ".s3." + config.region + ".amazonaws.com";
  }
  return config;
}

}  // namespace ingot::objstore
