# The HTML tape explorer's assets (src/inspect/explorer/): explorer.js and
# explorer.css, plus dagre (graph layout) from npm, embedded into the library
# as string literals by cmake/EmbedExplorerAssets.cmake.
#
# npm ci runs at configure time into the build tree (never the source tree),
# again only when package-lock.json changes. Without npm the page falls back
# to the explorer's own layered layout. TAPEGRAD_EXPLORER_NODE_MODULES names
# the installed modules for the browser test (playwright-core lives there too).
set(explorer_dir ${PROJECT_SOURCE_DIR}/src/inspect/explorer)
set(explorer_npm_dir ${PROJECT_BINARY_DIR}/explorer-npm)
set(TAPEGRAD_EXPLORER_NODE_MODULES ${explorer_npm_dir}/node_modules CACHE INTERNAL
  "npm modules of the tape explorer (dagre; playwright-core for its browser test)")
find_program(TAPEGRAD_NPM npm)
set(explorer_layout "")
if(TAPEGRAD_NPM)
  file(SHA256 ${explorer_dir}/package-lock.json lock_hash)
  set(stamp ${explorer_npm_dir}/installed.sha256)
  set(installed_hash "")
  if(EXISTS ${stamp})
    file(READ ${stamp} installed_hash)
  endif()
  if(NOT installed_hash STREQUAL lock_hash)
    file(MAKE_DIRECTORY ${explorer_npm_dir})
    file(COPY ${explorer_dir}/package.json ${explorer_dir}/package-lock.json
      DESTINATION ${explorer_npm_dir})
    message(STATUS "tape explorer: npm ci (dagre, playwright-core) in ${explorer_npm_dir}")
    execute_process(COMMAND ${TAPEGRAD_NPM} ci --no-audit --no-fund --loglevel=error
      WORKING_DIRECTORY ${explorer_npm_dir} RESULT_VARIABLE npm_result)
    if(npm_result EQUAL 0)
      file(WRITE ${stamp} "${lock_hash}")
    else()
      message(WARNING "tape explorer: npm ci failed (${npm_result}); "
        "pages use the built-in layered layout")
    endif()
  endif()
  if(EXISTS ${TAPEGRAD_EXPLORER_NODE_MODULES}/dagre/dist/dagre.min.js AND EXISTS ${stamp})
    set(explorer_layout ${TAPEGRAD_EXPLORER_NODE_MODULES}/dagre/dist/dagre.min.js)
  endif()
else()
  message(STATUS "tape explorer: npm not found; pages use the built-in layered layout")
endif()

set(explorer_assets_cpp ${PROJECT_BINARY_DIR}/generated/inspect/explorer_assets.cpp)
add_custom_command(OUTPUT ${explorer_assets_cpp}
  COMMAND ${CMAKE_COMMAND} -DOUTPUT=${explorer_assets_cpp}
    -DSCRIPT=${explorer_dir}/explorer.js -DSTYLE=${explorer_dir}/explorer.css
    "-DLAYOUT=${explorer_layout}"
    -P ${PROJECT_SOURCE_DIR}/cmake/EmbedExplorerAssets.cmake
  DEPENDS ${explorer_dir}/explorer.js ${explorer_dir}/explorer.css ${explorer_layout}
    ${PROJECT_SOURCE_DIR}/cmake/EmbedExplorerAssets.cmake
  COMMENT "Embedding the tape explorer's script and style"
  VERBATIM)
target_sources(tapegrad PRIVATE ${explorer_assets_cpp})
