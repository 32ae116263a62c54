// InfluxDB line protocol over HTTP (docs/influx.md): the three write APIs' request parameters and
// answers. InfluxDB 1.x `POST /write?db=&precision=` (credentials also as `u`/`p`), 2.x
// `POST /api/v2/write?bucket=&precision=` and Arc's `POST /api/v1/write/line-protocol`
// (x-arc-database header) differ only in where the database comes from and in their error shape:
// `{"error":"..."}` (1.x, Arc) or `{"code":"invalid","message":"..."}` (2.x).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"
#include "ingest/ingest_flow.h"
#include "protocols/influx/line_protocol.h"

namespace ingot::api {

enum class InfluxApi : unsigned char { kV1, kV2, kArc };

// What every answer of these endpoints and of `/ping` carries as X-Influxdb-Version: InfluxDB
// clients and Telegraf read it to know they talk to InfluxDB.
inline constexpr std::string_view kInfluxVersion = "1.8.10";

// The value of query parameter `name` in `query` (the request target after '?'),
// percent-decoded, '+' a space; nullopt when absent. The first one wins.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name);

// The database (ingot's org) a request names, as the client spelled it: `db` (1.x), `bucket`
// (2.x), the x-arc-database header (Arc; "default" when absent or empty). Empty when the 1.x or
// 2.x parameter is missing.
std::string InfluxDatabase(const http::Request& head, InfluxApi api);

// The database of an Arc request (line protocol or MessagePack): the x-arc-database header,
// "default" when absent or empty.
std::string_view ArcDatabase(const http::Request& head);

// The request's Authorization header, or, without one, InfluxDB 1.x's query credentials `u` and
// `p` as the Basic credentials they are (docs/auth.md); empty when neither is sent.
std::string InfluxAuthorization(const http::Request& head);

// A refused request (400, 401, 403, 413, 503...) in the API's error shape; Retry-After on 429 and
// 503, WWW-Authenticate on 401.
http::Response InfluxErrorResponse(InfluxApi api, const ingest::Refusal& refusal);

// The answer to a stored request: 204, or, when some lines were bad (the others are stored),
// InfluxDB 1.x's partial write: 400 naming the first bad line.
http::Response InfluxWriteResponse(InfluxApi api, const protocols::influx::LineErrors& errors,
                                   std::size_t stored);

// `GET|HEAD /ping`: 204 with X-Influxdb-Version.
http::Response InfluxPingResponse();

}  // namespace ingot::api
