// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/names.hpp"

#include <cstdio>

namespace portclass::nft {
namespace {

bool lower_or_digit(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool comment_char(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case ' ':
    case ',':
    case '.':
    case ':':
    case ';':
    case '(':
    case ')':
    case '/':
    case '_':
    case '+':
    case '=':
    case '@':
    case '%':
    case '#':
    case '-': return true;
    default: return false;
  }
}

}  // namespace

bool is_identifier(std::string_view text) noexcept {
  if (text.empty() || text.size() > kMaxIdentifier) return false;
  if (text.front() < 'a' || text.front() > 'z') return false;
  for (char c : text)
    if (!lower_or_digit(c) && c != '_') return false;
  return true;
}

bool is_comment_text(std::string_view text) noexcept {
  if (text.size() > kMaxComment) return false;
  for (char c : text)
    if (!comment_char(c)) return false;
  return true;
}

std::string quoted_for_error(std::string_view text) {
  std::string out = "'";
  std::size_t shown = 0;
  for (unsigned char c : text) {
    if (++shown > 80) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out + "'";
}

Result<std::string> check_identifier(std::string_view what, std::string_view text) {
  if (is_identifier(text)) return std::string(text);
  return make_error(std::string(what) + " " + quoted_for_error(text) +
                    " is not a valid name: use [a-z][a-z0-9_]*, at most 32 characters");
}

Result<std::string> check_comment(std::string_view what, std::string_view text) {
  if (is_comment_text(text)) return std::string(text);
  return make_error(std::string(what) + " " + quoted_for_error(text) +
                    " is not valid comment text: use letters, digits, spaces and , . : ; ( ) / _ + = @ % # -"
                    " (no quotes or braces), at most 127 characters");
}

std::string identifier_from(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (lower_or_digit(c))
      out += c;
    else if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  while (!out.empty() && !(out.front() >= 'a' && out.front() <= 'z')) out.erase(out.begin());
  if (out.size() > kMaxIdentifier) out.resize(kMaxIdentifier);
  return out;
}

}  // namespace portclass::nft
