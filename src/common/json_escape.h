// Appends `s` as a JSON string literal (quotes included), escaping what RFC 8259 requires.
#pragma once

#include <string>
#include <string_view>

namespace ingot {

void AppendJsonString(std::string_view s, std::string& out);

}  // namespace ingot
