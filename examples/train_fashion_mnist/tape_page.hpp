#pragma once
// The trained network's tape on a few test images, as the HTML tape explorer
// (one forward and backward of the cross-entropy, nothing updated), so the
// layers' values, gradients and costs can be browsed next to the curves.
#include <cstdio>
#include <string>

#include <tapegrad/inspect.hpp>
#include <tapegrad/tapegrad.hpp>

inline void write_tape_page(tapegrad::nn::Sequential<float>& net,
                            const tapegrad::nn::Dataset<float>& data, const std::string& path) {
  tapegrad::nn::DataLoader<float> loader(data, {8, false, false, 0});
  tapegrad::nn::Batch<float> batch;
  if (!loader.next(batch))
    return;
  tapegrad::Tape<float> tape;
  const tapegrad::Var<float> logits = net(tape.constant(batch.features, "images"));
  const tapegrad::Var<float> loss =
      cross_entropy(logits, tape.constant(batch.labels, "labels")).label("loss");
  tapegrad::BackpropTrace trace;
  tape.backward(loss, {.trace = &trace});
  tapegrad::inspect::save_html(
      tapegrad::inspect::record(tape, {.values = false, .grads = false, .trace = &trace}), path,
      {.title = "Fashion-MNIST MLP, 8 test images"});
  for (tapegrad::Parameter<float>* p : net.parameters())
    p->zero_grad();  // this look was no training step
  std::printf("tape: %s\n", path.c_str());
}
