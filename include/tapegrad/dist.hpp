#pragma once
// tapegrad::dist — data-parallel training over MPI (its own library,
// libtapegrad_dist; link tapegrad::dist). See the README's "Distributed
// training".

#include "tapegrad/dist/checkpoint.hpp"
#include "tapegrad/dist/context.hpp"
#include "tapegrad/dist/data_parallel.hpp"
#include "tapegrad/dist/parameters.hpp"
