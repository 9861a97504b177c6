// Placeholder: replaced by the codec suite.
#include <doctest/doctest.h>
TEST_CASE("codec placeholder") { CHECK(true); }
