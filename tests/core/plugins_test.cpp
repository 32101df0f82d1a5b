// load_ops() on real plugins (tests/core/plugins, built as modules beside
// this test): the entry point, static initialisers that throw or abort (the
// process survives), a plugin's ops registered all or none, and a second load
// of the same library. Registrations are process-wide, so each plugin is
// loaded by one test only, and every expectation also holds when the test
// runs again in the same process (--gtest_repeat).

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

std::string plugin_path(const std::string& name) {
  return std::string(TAPEGRAD_TEST_PLUGIN_DIR) + "/libtapegrad_test_plugin_" + name + ".so";
}

bool loaded_in_this_process(const std::string& path) {
  return dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD) != nullptr;
}

bool registered_anywhere(const std::string& name) {
  return Registry<float>::global().contains(name) || Registry<double>::global().contains(name);
}

/// The message of the PluginError that `load` throws ("" when it throws none).
template <class Load>
std::string plugin_error(const Load& load) {
  try {
    load();
  } catch (const PluginError& e) {
    EXPECT_EQ(e.op(), "load_ops");
    return e.what();
  }
  ADD_FAILURE() << "expected PluginError";
  return "";
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

TEST(Plugins, TheEntryPointRegistersForBothValueTypes) {
  const std::string path = plugin_path("entry_point");
  const std::vector<std::string> expected{"plugin_test_entry_both",
                                          "plugin_test_entry_double_only"};
  EXPECT_EQ(load_ops(path), expected);
  EXPECT_EQ(load_ops(path), expected) << "a second load returns the same names";

  EXPECT_EQ(Registry<float>::global().find("plugin_test_entry_both").origin,
            "libtapegrad_test_plugin_entry_point.so")
      << "add<Op>() names the library by default";
  EXPECT_EQ(Registry<double>::global().find("plugin_test_entry_double_only").origin,
            "entry_point test plugin");
  EXPECT_FALSE(Registry<float>::global().contains("plugin_test_entry_double_only"));

  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.5, -2.0});
  tape.backward(sum(tape.apply("plugin_test_entry_both", {x})));
  EXPECT_EQ(x.grad(), (Tensor<double>{2.0, 2.0}));
  Tape<float> tape32;
  EXPECT_EQ(tape32.apply("plugin_test_entry_both", {tape32.variable(Tensor<float>{3.0f})}).value(),
            (Tensor<float>{6.0f}));
}

TEST(Plugins, AnEntryPointThatThrowsRegistersNothing) {
  const std::string path = plugin_path("throwing_entry_point");
  const std::string first = plugin_error([&] { (void)load_ops(path); });
  EXPECT_CONTAINS(first,
                  "tapegrad_register_ops threw std::runtime_error ('no configuration found')");
  EXPECT_CONTAINS(first, "none of its ops was registered");
  EXPECT_FALSE(registered_anywhere("plugin_test_entry_throws"))
      << "the op added before the throw is discarded";

  // The library stays loaded, so a second load cannot run it again: it says so.
  const std::string second = plugin_error([&] { (void)load_ops(path); });
  EXPECT_CONTAINS(second, "was loaded before and failed");
  EXPECT_CONTAINS(second, "no configuration found");
  EXPECT_FALSE(registered_anywhere("plugin_test_entry_throws"));
}

TEST(Plugins, AStaticInitialiserThatThrowsIsAnErrorNotTheEndOfTheProcess) {
  const std::string path = plugin_path("throwing_initialiser");
  for (int attempt = 0; attempt < 2; ++attempt) {
    const std::string message = plugin_error([&] { (void)load_ops(path); });
    EXPECT_CONTAINS(message, "libtapegrad_test_plugin_throwing_initialiser.so");
    EXPECT_CONTAINS(message, "loading it ends the process");
    EXPECT_CONTAINS(message, "std::runtime_error ('the plugin's global could not start')");
    EXPECT_CONTAINS(message, "static initialisers must not throw or end the process");
    EXPECT_CONTAINS(message, "tapegrad_register_ops");
  }
  EXPECT_FALSE(loaded_in_this_process(path)) << "it only ever ran in the probe's child";
  EXPECT_FALSE(registered_anywhere("plugin_test_throwing_initialiser"));
}

TEST(Plugins, WithoutTheProbeAThrowingStaticInitialiserEndsTheProcess) {
  // What the probe protects from: [except.terminate], inside dlopen.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH((void)load_ops(plugin_path("throwing_initialiser"), PluginOptions{false}),
               "terminate called after throwing an instance of 'std::runtime_error'");
}

TEST(Plugins, AStaticInitialiserThatAbortsIsAnErrorWithItsLastWords) {
  const std::string path = plugin_path("aborting_initialiser");
  const std::string message = plugin_error([&] { (void)load_ops(path); });
  EXPECT_CONTAINS(message, "loading it ends the process");
  EXPECT_CONTAINS(message, "killed by signal 6");
  EXPECT_CONTAINS(message, "\"aborting plugin: giving up\"");
  EXPECT_FALSE(loaded_in_this_process(path));
  EXPECT_FALSE(registered_anywhere("plugin_test_aborting_initialiser"));
}

TEST(Plugins, RegistryAddFromAStaticInitialiserRefusesWithoutThrowing) {
  // Loaded without the probe: Registry::add itself must not throw inside dlopen.
  const std::string path = plugin_path("static_add_duplicate");
  const std::string message =
      plugin_error([&] { (void)load_ops(path, PluginOptions{/*probe=*/false}); });
  EXPECT_CONTAINS(message,
                  "op 'add' (double) from static_add plugin is already registered by "
                  "tapegrad");
  EXPECT_FALSE(registered_anywhere("plugin_test_static_add_fresh"));
  EXPECT_EQ(Registry<double>::global().find("add").origin, "tapegrad");
}

TEST(Plugins, APluginIsRegisteredWhollyOrNotAtAll) {
  const std::string path = plugin_path("duplicate_and_fresh");
  ::testing::internal::CaptureStderr();
  const std::string first = plugin_error([&] { (void)load_ops(path); });
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "")
      << "the PluginError says it all; nothing is printed";
  EXPECT_CONTAINS(first, "could not register all its ops, so none was registered");
  EXPECT_CONTAINS(first,
                  "op 'add' (float) from duplicate_and_fresh is already registered by "
                  "tapegrad");
  EXPECT_CONTAINS(first,
                  "op 'add' (double) from duplicate_and_fresh is already registered by "
                  "tapegrad");
  EXPECT_FALSE(registered_anywhere("plugin_test_fresh_op"));

  // The built-in keeps its name, unconflicted.
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0});
  EXPECT_EQ(tape.apply("add", {x, x}).value(), (Tensor<double>{2.0}));

  const std::string second = plugin_error([&] { (void)load_ops(path); });
  EXPECT_CONTAINS(second, "was loaded before and failed");
  EXPECT_CONTAINS(second, "is already registered by tapegrad");
  EXPECT_FALSE(registered_anywhere("plugin_test_fresh_op"));
}

TEST(Plugins, ANameRegisteredTwiceByOnePluginIsRefused) {
  const std::string message = plugin_error([&] { (void)load_ops(plugin_path("registers_twice")); });
  EXPECT_CONTAINS(message,
                  "op 'plugin_test_registered_twice' (float) from second is already "
                  "registered by first in the same library");
  EXPECT_FALSE(registered_anywhere("plugin_test_registered_twice"));
}

TEST(Plugins, NotALibraryIsAnErrorWithTheLoadersReason) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("tapegrad_not_a_plugin_" + std::to_string(::getpid()) + ".so");
  std::ofstream(path) << std::string(200, 'x');  // long enough to have a header
  for (const bool probe : {true, false}) {
    const std::string message =
        plugin_error([&] { (void)load_ops(path.string(), PluginOptions{probe}); });
    EXPECT_CONTAINS(message, "cannot load ops from '" + path.string() + "'");
    EXPECT_CONTAINS(message, "invalid ELF header");
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace tapegrad
