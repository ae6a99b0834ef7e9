# Every build option of remit, in one place (STYLE.md 3.10).
macro(remit_option name doc default)
  option(${name} "${doc}" ${default})
endmacro()

remit_option(REMIT_BUILD_TESTS "Build the test programs and register them with CTest" ON)
remit_option(REMIT_BUILD_BENCH "Build the benchmarks under bench/" OFF)
# Code for this machine's CPU (AVX2/AVX-512 where present), as the peers'
# benchmark builds are (-march=native).  FMA contraction stays off, so every
# result is bitwise the same as the portable build's (docs/performance.md).
remit_option(REMIT_NATIVE "Compile for this machine's CPU (-march=native), same results" OFF)
set(REMIT_SANITIZE "" CACHE STRING "Sanitizers for a checking build: address;undefined")

# MPI (Debian openmpi-bin + libopenmpi-dev) splits a trial's patients across
# processes and machines (docs/cluster.md); on by default when MPI is found.
# Without it the library and `remit` work as before, in one process.
find_package(MPI QUIET COMPONENTS C)
remit_option(REMIT_ENABLE_MPI "Run trials across MPI ranks (mpirun -np N remit trial ...)" ${MPI_C_FOUND})
