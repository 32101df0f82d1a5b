// A shared library that registers no op: load_ops() must refuse it with
// "registered no op".
int tapegrad_no_ops_answer() {
  return 42;
}
