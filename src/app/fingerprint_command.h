// `ingot fingerprint`: the fingerprint and template of each line of stdin (docs/fingerprint.md),
// for alert rules and drop lists written without a server.
#pragma once

#include <cstdio>

namespace ingot::app {

// Reads lines from `in` until its end and writes "<fingerprint>\t<template>\n" for each to
// `out`. Returns the process exit code.
int RunFingerprint(std::FILE* in, std::FILE* out);

}  // namespace ingot::app
