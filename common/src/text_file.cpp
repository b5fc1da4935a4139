// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/text_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace portclass {

Result<std::string> read_text_file(const std::filesystem::path& path, std::string_view what, std::size_t max_bytes) {
  const std::string name = std::string(what) + " " + path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) return make_error("cannot read " + name + ": " + ec.message());
  if (!std::filesystem::is_regular_file(status)) return make_error("cannot read " + name + ": not a regular file");
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes)
    return make_error("cannot read " + name + ": larger than " + std::to_string(max_bytes >> 20) + " MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot read " + name + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace portclass
