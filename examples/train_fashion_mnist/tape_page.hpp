#pragma once
// The trained network's tape on a few test images, as the HTML tape explorer
// (one forward and backward of the cross-entropy, nothing updated), so the
// layers' values, gradients and costs can be browsed next to the curves.
#include <cstdio>
#include <string>

#include "trainer.hpp"

#include <tapegrad/inspect.hpp>
#include <tapegrad/tapegrad.hpp>

template <class T>
void write_tape_page(tapegrad::nn::Sequential<T>& net, const tapegrad::nn::Dataset<float>& data,
                     const std::string& path) {
  tapegrad::nn::DataLoader<float> loader(data, {8, false, false, 0});
  TypedBatch<T> batch;
  if (!loader.next(batch.batch))
    return;
  tapegrad::Tape<T> tape;
  const tapegrad::Var<T> logits = net(tape.constant(batch.typed_features(), "images"));
  const tapegrad::Var<T> loss =
      cross_entropy(logits, tape.constant(batch.typed_labels(), "labels")).label("loss");
  tapegrad::BackpropTrace trace;
  tape.backward(loss, {.trace = &trace});
  tapegrad::inspect::save_html(
      tapegrad::inspect::record(tape, {.values = false, .grads = false, .trace = &trace}), path,
      {.title = "Fashion-MNIST MLP, 8 test images"});
  for (tapegrad::Parameter<T>* p : net.parameters())
    p->zero_grad();  // this look was no training step
  std::printf("tape: %s\n", path.c_str());
}
