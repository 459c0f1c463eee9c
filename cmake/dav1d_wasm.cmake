# web/wasm/dav1d.{mjs,wasm}: the AV1 decoder AVIF files need (src/image/av1_wasm.c over dav1d), a
# module of its own that web/av1_decode.js loads only when an AVIF appears. dav1d's source is Debian
# 12's (scripts/dav1d-source.sh puts it in build/dav1d); its meson build is replaced by this list,
# plain C without assembly, the bit-depth templates compiled once for 8 and once for 16 bits.
set(DAV1D_DIR ${CMAKE_SOURCE_DIR}/build/dav1d)
if(NOT EXISTS ${DAV1D_DIR}/src/lib.c)
  message(WARNING "dav1d source missing (scripts/dav1d-source.sh): no AVIF decoder is built")
  return()
endif()
enable_language(C)
set(DAV1D_GEN ${CMAKE_BINARY_DIR}/dav1d_gen)
set(DAV1D_API_VERSION_MAJOR 6)
set(DAV1D_API_VERSION_MINOR 6)
set(DAV1D_API_VERSION_PATCH 0)
set(VCS_TAG 1.0.0)
configure_file(${DAV1D_DIR}/include/dav1d/version.h.in ${DAV1D_GEN}/version.h @ONLY)
configure_file(${DAV1D_DIR}/include/vcs_version.h.in ${DAV1D_GEN}/vcs_version.h @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/cmake/dav1d_config.h ${DAV1D_GEN}/config.h COPYONLY)

set(DAV1D_SOURCES cdf cpu data decode dequant_tables getbits intra_edge itx_1d lf_mask log mem msac obu
    picture qm ref refmvs scan tables warpmv wedge lib thread_task)
set(DAV1D_TEMPLATES cdef_apply cdef fg_apply filmgrain ipred_prepare ipred itx lf_apply loopfilter
    looprestoration lr_apply mc recon)
list(TRANSFORM DAV1D_SOURCES PREPEND ${DAV1D_DIR}/src/)
list(TRANSFORM DAV1D_SOURCES APPEND .c)
list(TRANSFORM DAV1D_TEMPLATES PREPEND ${DAV1D_DIR}/src/)
list(TRANSFORM DAV1D_TEMPLATES APPEND _tmpl.c)
set(DAV1D_INCLUDES ${DAV1D_GEN} ${DAV1D_DIR} ${DAV1D_DIR}/include ${DAV1D_DIR}/include/dav1d)
set(DAV1D_FLAGS -O3 -msimd128 -std=c99 -D_GNU_SOURCE -w)
foreach(bits 8 16)
  add_library(dav1d_bitdepth_${bits} OBJECT ${DAV1D_TEMPLATES})
  target_include_directories(dav1d_bitdepth_${bits} PRIVATE ${DAV1D_INCLUDES})
  target_compile_options(dav1d_bitdepth_${bits} PRIVATE ${DAV1D_FLAGS} -DBITDEPTH=${bits})
endforeach()
add_executable(dav1d_wasm ${DAV1D_SOURCES} ${CMAKE_SOURCE_DIR}/src/image/av1_wasm.c
  $<TARGET_OBJECTS:dav1d_bitdepth_8> $<TARGET_OBJECTS:dav1d_bitdepth_16>)
target_include_directories(dav1d_wasm PRIVATE ${DAV1D_INCLUDES})
target_compile_options(dav1d_wasm PRIVATE ${DAV1D_FLAGS})
set_target_properties(dav1d_wasm PROPERTIES
  OUTPUT_NAME dav1d SUFFIX ".mjs" RUNTIME_OUTPUT_DIRECTORY ${CMAKE_SOURCE_DIR}/web/wasm)
# Same loading as clipfind.mjs (web/wasm.js): ES6 glue, Node through the web path with wasmBinary.
target_link_options(dav1d_wasm PRIVATE -O3 -msimd128
  -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createDav1dModule
  -sENVIRONMENT=web,worker -sFILESYSTEM=0
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=16777216 -sMAXIMUM_MEMORY=2147483648
  -sEXPORTED_FUNCTIONS=_malloc,_free,_cf_av1_decode,_cf_av1_release
  -sDYNAMIC_EXECUTION=0)
