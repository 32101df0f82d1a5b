# Installs the library, its headers, a CMake package (find_package(tapegrad))
# and a pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS tapegrad EXPORT tapegradTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS tapegrad-inspect RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# tapegrad::dist, when built (MPI found): same export set, so
# find_package(tapegrad) gives tapegrad::dist too.
if(TARGET tapegrad_dist)
  install(TARGETS tapegrad_dist EXPORT tapegradTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(FILES ${PROJECT_BINARY_DIR}/include/tapegrad/dist/export.hpp
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tapegrad/dist)
  set(TAPEGRAD_WITH_DIST ON)
else()
  set(TAPEGRAD_WITH_DIST OFF)
  # Without the library its headers would only mislead.
  set(TAPEGRAD_INSTALL_EXCLUDE PATTERN dist EXCLUDE PATTERN dist.hpp EXCLUDE)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  ${TAPEGRAD_INSTALL_EXCLUDE})
install(FILES ${PROJECT_BINARY_DIR}/include/tapegrad/export.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tapegrad)

set(TAPEGRAD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tapegrad)
install(EXPORT tapegradTargets NAMESPACE tapegrad:: DESTINATION ${TAPEGRAD_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tapegradConfig.cmake.in
  ${PROJECT_BINARY_DIR}/tapegradConfig.cmake INSTALL_DESTINATION ${TAPEGRAD_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tapegradConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tapegradConfig.cmake
  ${PROJECT_BINARY_DIR}/tapegradConfigVersion.cmake DESTINATION ${TAPEGRAD_CMAKE_DIR})

# tapegrad.pc names its prefix relative to its own directory (pkg-config's
# ${pcfiledir}), so the installed tree can be moved: ../.. for lib/pkgconfig,
# ../../.. for lib/x86_64-linux-gnu/pkgconfig. An absolute libdir or includedir
# is written as it is.
set(TAPEGRAD_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${TAPEGRAD_PC_DIR}")
  set(TAPEGRAD_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH pc_to_prefix /${TAPEGRAD_PC_DIR} /)
  string(REGEX REPLACE "/$" "" pc_to_prefix "${pc_to_prefix}")
  set(TAPEGRAD_PC_PREFIX "\${pcfiledir}/${pc_to_prefix}")
endif()
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(TAPEGRAD_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(TAPEGRAD_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/tapegrad.pc.in ${PROJECT_BINARY_DIR}/tapegrad.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/tapegrad.pc DESTINATION ${TAPEGRAD_PC_DIR})
