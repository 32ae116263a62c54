#include "objstore/open.h"

#include "objstore/s3_object_store.h"

namespace ingot::objstore {

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const std::string& url, const EnvGetter& env,
                                                     const S3Options& options) {
  if (!url.starts_with("s3://")) {
    return Status::InvalidInput("object store \"" + url +
                                "\": only s3://<bucket>/<prefix> is supported");
  }
  Result<S3Config> config = S3ConfigFromUrl(url, env);
  if (!config.ok()) return config.status();
  config->options = options;
  return std::unique_ptr<ObjectStore>(std::make_unique<S3ObjectStore>(std::move(config).value()));
}

}  // namespace ingot::objstore
