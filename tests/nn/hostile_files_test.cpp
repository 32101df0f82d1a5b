// The data and checkpoint readers against hostile files made at test time:
// gzip bombs, sparse files claiming far more than they hold, FIFOs and
// devices. Each must be refused with a FileError naming the problem, and —
// measured in a forked child, so nothing else in the test process counts —
// without its peak memory growing by more than kSmallMib.
#include <gtest/gtest.h>

#include <filesystem>

#include "nn/file_support.hpp"
#include "nn/hostile_files.hpp"
#include "support/child_run.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::Bytes;
using testing::idx_header;
using testing::operator+;
using testing::run_in_child;

// What refusing a file may cost: buffers and bookkeeping, never the file.
constexpr long kSmallMib = 16;
constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

template <class F>
void expect_cheap_file_error(F&& load, std::initializer_list<std::string_view> fragments) {
  const testing::ChildRun run = run_in_child(load);
  ASSERT_EQ(run.outcome, "FileError") << run;
  for (const std::string_view fragment : fragments)
    EXPECT_NE(run.message.find(fragment), std::string::npos)
        << "lacks '" << fragment << "': " << run;
  EXPECT_LE(run.peak_growth_mib, kSmallMib) << run;
}

TEST(ChildRun, SeesThePeakOfMemoryFreedAgainAndNothingElse) {
  const testing::ChildRun quiet = run_in_child([] {});
  EXPECT_EQ(quiet.outcome, "returned");
  EXPECT_LE(quiet.peak_growth_mib, 2) << quiet;
  const testing::ChildRun busy = run_in_child([] {
    std::vector<char> touched(64 * kMiB, 1);
    if (touched[12345] != 1)
      throw std::runtime_error("unreachable");
  });
  EXPECT_EQ(busy.outcome, "returned");
  EXPECT_GE(busy.peak_growth_mib, 60) << busy;
  const testing::ChildRun hung = run_in_child([] { pause(); }, 1);
  EXPECT_EQ(hung.outcome, "timed out");
}

// A 1-byte IDX file followed by 64 MiB of zeros, gzipped to about 64 KB.
TEST(HostileFiles, GzipBombIsRefusedAfterInflatingWhatTheHeaderDeclares) {
  const testing::ScratchDir dir;
  const std::string bomb = dir.file("bomb.idx.gz");
  testing::write_gzip_bomb(bomb, idx_header(0x08, {1}) + Bytes{7}, 64 * kMiB);
  ASSERT_LT(std::filesystem::file_size(bomb), 2 * kMiB);
  expect_cheap_file_error([&] { (void)nn::read_idx<float>(bomb); },
                          {bomb, "the header (1,) announces 1 bytes", "inflates to more"});
  const Bytes in_memory = testing::read_bytes(bomb);
  expect_cheap_file_error([&] { (void)nn::parse_idx<double>(in_memory, "bomb"); },
                          {"announces 1 bytes", "inflates to more"});
}

// A header that declares 4 GiB in a gzip file that holds 3 bytes: nothing
// is allocated for what the stream does not hold.
TEST(HostileFiles, GzipHeaderClaimingMoreThanItHoldsAllocatesNothing) {
  const Bytes small = testing::gzip(idx_header(0x08, {65536, 65536}) + Bytes{1, 2, 3});
  expect_cheap_file_error([&] { (void)nn::parse_idx<float>(small, "claims.gz"); },
                          {"announces 4294967296 bytes", "holds 3"});
}

// 256 MiB files, a few bytes of header and then a hole: the reader must look
// at the header and the file's size, not read the file.
TEST(HostileFiles, SparseFilesAreRefusedFromTheirHeaders) {
  const testing::ScratchDir dir;
  const std::string idx = dir.file("sparse.idx");
  testing::write_sparse(idx, idx_header(0x08, {1}), 256 * kMiB);
  expect_cheap_file_error([&] { (void)nn::read_idx<float>(idx); },
                          {idx, "announces 1 bytes of data", "holds 268435448"});

  const std::string npy = dir.file("sparse.npy");
  Bytes one = nn::npy_bytes(Tensor<float>{0.0f});
  one.resize(one.size() - 4);
  testing::write_sparse(npy, one, 256 * kMiB);
  expect_cheap_file_error([&] { (void)nn::read_npy<float>(npy); },
                          {npy, "(1,) needs 4 bytes of data"});

  const std::string csv = dir.file("sparse.csv");
  testing::write_sparse(csv, {}, 256 * kMiB);
  expect_cheap_file_error([&] { (void)nn::read_csv<float>(csv); }, {csv, "line 1, column 1"});

  const std::string zeros = dir.file("zeros");
  testing::write_sparse(zeros, {}, 256 * kMiB);
  expect_cheap_file_error([&] { (void)nn::read_idx<float>(zeros); },
                          {"unknown IDX element type 0x00"});
  expect_cheap_file_error([&] { (void)nn::read_npy<float>(zeros); }, {"not a .npy file"});
}

// A well-formed checkpoint file of 256 MiB whose shape is not the
// parameter's: refused from its header, before its data is read.
TEST(HostileFiles, CheckpointOfTheWrongShapeIsRefusedBeforeItsDataIsRead) {
  const testing::ScratchDir dir;
  Parameter<float> w(Tensor<float>{1.0f, 2.0f}, "w");
  const Bytes header =
      testing::npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (67108864,), }", 0);
  testing::write_sparse(dir.file("w.npy"), header, header.size() + 256 * kMiB);
  expect_cheap_file_error([&] { nn::load_checkpoint<float>(dir.path().string(), {&w}); },
                          {"w.npy", "holds shape (67108864,)", "'w' has shape (2,)"});
  EXPECT_EQ(w.value(), (Tensor<float>{1.0f, 2.0f}));
}

// 40 GiB of zeros: more than this machine can allocate, so reading it whole
// was a std::bad_alloc; refused from its first bytes it is a FileError.
TEST(HostileFiles, FilesLargerThanMemoryAreFileErrors) {
  const testing::ScratchDir dir;
  const std::string huge = dir.file("huge");
  testing::write_sparse(huge, {}, 40 * kGiB);
  expect_cheap_file_error([&] { (void)nn::read_idx<float>(huge); }, {"unknown IDX element"});
  expect_cheap_file_error([&] { (void)nn::read_npy<double>(huge); }, {"not a .npy file"});
  expect_cheap_file_error([&] { (void)nn::read_csv<double>(huge); }, {"line 1, column 1"});
  // A consistent header whose data (4 TiB of bytes, 16 TiB as floats) no
  // machine running this test holds: refused before allocating.
  const std::string consistent = dir.file("consistent.idx");
  const Bytes header = idx_header(0x08, {65536, 65536, 1024});
  testing::write_sparse(consistent, header, header.size() + 4096 * kGiB);
  expect_cheap_file_error([&] { (void)nn::read_idx<float>(consistent); },
                          {consistent, "(65536, 65536, 1024)", "more than this machine's memory"});
}

TEST(HostileFiles, FifosAndDevicesAreRefusedWithoutBlocking) {
  const testing::ScratchDir dir;
  const std::string fifo = dir.file("pipe");
  testing::make_fifo(fifo);
  for (const std::string& path : {fifo, std::string("/dev/zero")}) {
    expect_cheap_file_error([&] { (void)nn::read_idx<float>(path); }, {path, "not a regular file"});
    expect_cheap_file_error([&] { (void)nn::read_npy<float>(path); }, {path, "not a regular file"});
    expect_cheap_file_error([&] { (void)nn::read_csv<float>(path); }, {path, "not a regular file"});
  }
  std::filesystem::create_directories(dir.file("ckpt"));
  testing::make_fifo(dir.file("ckpt/w.npy"));
  Parameter<float> w(Tensor<float>{1.0f}, "w");
  expect_cheap_file_error([&] { nn::load_checkpoint<float>(dir.file("ckpt"), {&w}); },
                          {"w.npy", "not a regular file"});
}

// AddressSanitizer ends the process on a failed allocation by design, so
// this test is compiled only in the builds without it.
#if !defined(__SANITIZE_ADDRESS__)
TEST(HostileFiles, AllocationFailureWhileLoadingIsAFileError) {
  const testing::ScratchDir dir;
  // Valid files whose data needs more than the 64 MiB the child may still map.
  const std::string idx = dir.file("big.idx");
  const Bytes idx_head = idx_header(0x08, {8192, 8192});
  testing::write_sparse(idx, idx_head, idx_head.size() + 64 * kMiB);  // 256 MiB as floats
  const std::string npy = dir.file("big.npy");
  const Bytes npy_head =
      testing::npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (33554432,), }", 0);
  testing::write_sparse(npy, npy_head, npy_head.size() + 128 * kMiB);
  const std::string csv = dir.file("big.csv");
  std::string zeros;
  for (int i = 0; i < 16 * (1 << 20); ++i)
    zeros += "0\n";
  testing::write_bytes(csv, {zeros.begin(), zeros.end()});
  nn::CsvOptions unlabelled;
  unlabelled.label_column = nn::CsvOptions::kNoLabel;
  const auto limited = [](auto load) {
    return [load] {
      testing::limit_address_space_growth(64 * kMiB);
      load();
    };
  };
  expect_cheap_file_error(limited([&] { (void)nn::read_idx<float>(idx); }),
                          {idx, "not enough memory to load it"});
  expect_cheap_file_error(limited([&] { (void)nn::read_npy<float>(npy); }),
                          {npy, "not enough memory to load it"});
  // The CSV reader grows its buffers as it reads: it fails at the limit.
  const testing::ChildRun run =
      run_in_child(limited([&] { (void)nn::read_csv<float>(csv, unlabelled); }));
  EXPECT_EQ(run.outcome, "FileError") << run;
  EXPECT_NE(run.message.find(csv + ": not enough memory to load it"), std::string::npos) << run;
}
#endif

}  // namespace
}  // namespace tapegrad
