// The DataPlane contract against KernelDataPlane (qemu guest, both modules).
#include "contract/cases.hpp"
#include "contract/kernel_env.hpp"

namespace ovpn::contract {

using KernelTransports = ::testing::Types<KernelUdp4, KernelTcp4>;
INSTANTIATE_TYPED_TEST_SUITE_P(Kernel, DataPlaneContract, KernelTransports);
INSTANTIATE_TYPED_TEST_SUITE_P(Kernel, TcpContract, ::testing::Types<KernelTcp4>);
INSTANTIATE_TYPED_TEST_SUITE_P(Kernel, MultiPeerContract, KernelTransports);

} // namespace ovpn::contract
