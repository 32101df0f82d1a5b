#include <gtest/gtest.h>

#include <filesystem>

#include "nn/file_support.hpp"
#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using Bytes = std::vector<std::uint8_t>;
using testing::expect_file_error;
using testing::npy_file;

TEST(Npy, WritesNumpysHeaderAndReadsItBack) {
  const Tensor<float> m{{1.5f, -2.0f, 3.0f}, {0.0f, 4.0f, 5.0f}};
  const Bytes bytes = nn::npy_bytes(m);
  const std::string expected_header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(std::string(bytes.begin() + 10,
                        bytes.begin() + 10 + static_cast<long>(expected_header.size())),
            expected_header);
  const std::size_t header_length = bytes[8] | bytes[9] << 8;
  EXPECT_EQ((10 + header_length) % 64, 0u);  // data aligned as numpy aligns it
  EXPECT_EQ(bytes[10 + header_length - 1], '\n');
  EXPECT_EQ(bytes.size(), 10 + header_length + 6 * 4);
  EXPECT_EQ(nn::parse_npy<float>(bytes), m);

  for (const Shape& shape : {Shape{}, Shape{1}, Shape{5}, Shape{2, 1, 3}, Shape{0, 4}}) {
    const Tensor<double> t = testing::random_tensor(shape, 1);
    const Tensor<double> back = nn::parse_npy<double>(nn::npy_bytes(t));
    EXPECT_EQ(back.shape(), shape);
    EXPECT_EQ(back, t);
  }
  const Bytes vector = nn::npy_bytes(Tensor<double>{1.0, 2.0});
  EXPECT_NE(std::string(vector.begin(), vector.end()).find("'shape': (2,)"), std::string::npos);
  const Bytes scalar = nn::npy_bytes(Tensor<double>(7.0));
  EXPECT_NE(std::string(scalar.begin(), scalar.end()).find("'shape': ()"), std::string::npos);
  // Written by numpy 2 (version 2.0 header, double quotes, other key order).
  Bytes v2 = npy_file("{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<f8\"}", 16, 2);
  EXPECT_EQ(nn::parse_npy<double>(v2), (Tensor<double>{0.0, 0.0}));
}

TEST(Npy, EveryBrokenFileIsAFileError) {
  const auto bad = [](const Bytes& bytes, std::initializer_list<std::string_view> fragments) {
    expect_file_error([&] { (void)nn::parse_npy<float>(bytes, "w.npy"); }, "npy", fragments);
  };
  const std::string ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  bad(Bytes{1, 2, 3}, {"w.npy", "not a .npy file"});
  bad(npy_file(ok, 24, 4), {"unsupported .npy format version 4.0"});
  Bytes short_header = npy_file(ok, 0);
  short_header.resize(40);
  bad(short_header, {"truncated header", "the file has 30 left"});
  bad(npy_file(ok, 20), {"(2, 3) needs 24 bytes of data, the file holds 20"});
  bad(npy_file(ok, 28), {"needs 24 bytes", "holds 28"});
  bad(npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 48),
      {"dtype '<f8'", "expected '<f4'"});
  bad(npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", 4), {"'<i4'"});
  bad(npy_file("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24), {"Fortran"});
  bad(npy_file("{'descr': '<f4', 'shape': (2, 3), }", 24), {"malformed header", "lacks"});
  bad(npy_file("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3), }", 24),
      {"expected True or False"});
  bad(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 24),
      {"expected a dimension"});
  bad(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", 24),
      {"unknown header key 'extra'"});
  bad(npy_file("{'descr: '<f4'", 0), {"malformed header"});
  bad(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 3), }", 24),
      {"too large"});
  // 4294967295³ elements: refused before any allocation.
  bad(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967295, 4294967295, "
               "4294967295), }",
               0),
      {"impossibly large"});
}

struct Net {
  nn::Sequential<float> net = nn::mlp<float>({3, 4, 2}, {});
  std::vector<Parameter<float>*> params() { return net.parameters(); }
};

std::vector<Tensor<float>> values(const std::vector<Parameter<float>*>& params) {
  std::vector<Tensor<float>> out;
  for (const Parameter<float>* p : params)
    out.push_back(p->value());
  return out;
}

TEST(Checkpoint, RoundTripOneNpyFilePerLabel) {
  const testing::ScratchDir dir;
  const std::string where = dir.file("ckpt/nested");
  nn::MlpOptions options;
  options.seed = 11;
  nn::Sequential<float> saved = nn::mlp<float>({3, 4, 2}, options);
  saved.parameters()[1]->value() = Tensor<float>{0.5f, -1.0f, 2.0f, 0.25f};
  nn::save_checkpoint(where, saved.parameters());
  for (const char* name : {"fc1.W.npy", "fc1.b.npy", "fc2.W.npy", "fc2.b.npy"})
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(where) / name)) << name;
  EXPECT_EQ(nn::read_npy<float>(where + "/fc1.b.npy"), saved.parameters()[1]->value());

  Net other;
  EXPECT_NE(values(other.params()), values(saved.parameters()));
  nn::load_checkpoint(where, other.params());
  EXPECT_EQ(values(other.params()), values(saved.parameters()));
}

TEST(Checkpoint, ABadFileChangesNothing) {
  const testing::ScratchDir dir;
  const std::string where = dir.file("ckpt");
  Net source;
  nn::save_checkpoint(where, source.params());
  for (Parameter<float>* p : source.params())
    p->value() += 1.0f;  // the model moves on after the save
  const std::vector<Tensor<float>> before = values(source.params());

  // The last file has the wrong shape: not even the first parameter changes.
  nn::write_npy(where + "/fc2.b.npy", Tensor<float>{1.0f, 2.0f, 3.0f});
  expect_file_error([&] { nn::load_checkpoint(where, source.params()); }, "checkpoint",
                    {"fc2.b.npy", "holds shape (3,)", "'fc2.b' has shape (2,)"});
  EXPECT_EQ(values(source.params()), before);

  // A corrupt header.
  nn::write_npy(where + "/fc2.b.npy", Tensor<float>{1.0f, 2.0f});
  Bytes corrupt = testing::read_bytes(where + "/fc1.W.npy");
  corrupt[12] = '?';
  testing::write_bytes(where + "/fc1.W.npy", corrupt);
  expect_file_error([&] { nn::load_checkpoint(where, source.params()); }, "npy",
                    {"fc1.W.npy", "malformed header"});
  EXPECT_EQ(values(source.params()), before);

  // The wrong dtype (saved as float64).
  nn::write_npy(where + "/fc1.W.npy", Tensor<double>(xt::zeros<double>({4, 3})));
  expect_file_error([&] { nn::load_checkpoint(where, source.params()); }, "npy",
                    {"fc1.W.npy", "'<f8'"});
  // A missing file.
  std::filesystem::remove(where + "/fc1.W.npy");
  expect_file_error([&] { nn::load_checkpoint(where, source.params()); }, "npy",
                    {"fc1.W.npy", "no such file"});
  EXPECT_EQ(values(source.params()), before);
}

TEST(Checkpoint, LabelsMustNameFiles) {
  const testing::ScratchDir dir;
  Parameter<float> unnamed(Tensor<float>{1.0f});
  Parameter<float> slash(Tensor<float>{1.0f}, "a/b");
  Parameter<float> a(Tensor<float>{1.0f}, "a"), a2(Tensor<float>{2.0f}, "a");
  EXPECT_THROW(nn::save_checkpoint<float>(dir.file("c"), {&unnamed}), ValueError);
  EXPECT_THROW(nn::save_checkpoint<float>(dir.file("c"), {&slash}), ValueError);
  try {
    nn::save_checkpoint<float>(dir.file("c"), {&a, &a2});
    FAIL() << "duplicate labels accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("share the label 'a'"), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("c")));  // refused before writing
  EXPECT_THROW(nn::load_checkpoint<float>(dir.file("c"), {nullptr}), ValueError);
}

}  // namespace
}  // namespace tapegrad

namespace tapegrad {
namespace {

TEST(Checkpoint, WriteFailuresAreFileErrors) {
  const testing::ScratchDir dir;
  Parameter<float> w(Tensor<float>{1.0f, 2.0f}, "w");
  // The directory's path is taken by a file.
  testing::write_bytes(dir.file("taken"), {1, 2, 3});
  expect_file_error([&] { nn::save_checkpoint<float>(dir.file("taken"), {&w}); }, "checkpoint",
                    {"taken", "cannot be created"});
  // A directory stands where the parameter's file should go.
  std::filesystem::create_directories(dir.file("ckpt/w.npy"));
  expect_file_error([&] { nn::save_checkpoint<float>(dir.file("ckpt"), {&w}); }, "checkpoint",
                    {"w.npy", "could not be replaced"});
  EXPECT_FALSE(std::filesystem::exists(dir.file("ckpt/w.npy.tmp")));  // cleaned up
  expect_file_error([&] { nn::load_checkpoint<float>(dir.file("ckpt"), {&w}); }, "npy",
                    {"w.npy", "is a directory"});
  EXPECT_EQ(w.value(), (Tensor<float>{1.0f, 2.0f}));
}

}  // namespace
}  // namespace tapegrad
