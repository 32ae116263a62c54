// OpenObjectStore: the ObjectStore named by an `--object-store` URL. Only "s3://<bucket>/<prefix>"
// exists (see s3_config.h for the AWS_* variables it reads); anything else is kInvalidInput.
// Opening sends no request: call Check() for the start-up check of the bucket and credentials.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "objstore/object_store.h"
#include "objstore/s3_config.h"

namespace ingot::objstore {

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const std::string& url, const EnvGetter& env,
                                                     const S3Options& options = {});

}  // namespace ingot::objstore
