#include "openvpn/wire/opcode.hpp"

namespace ovpn::wire {

const char* opcode_name(Opcode op) noexcept
{
    switch (op) {
    case Opcode::ControlHardResetClientV1:
        return "P_CONTROL_HARD_RESET_CLIENT_V1";
    case Opcode::ControlHardResetServerV1:
        return "P_CONTROL_HARD_RESET_SERVER_V1";
    case Opcode::ControlSoftResetV1:
        return "P_CONTROL_SOFT_RESET_V1";
    case Opcode::ControlV1:
        return "P_CONTROL_V1";
    case Opcode::AckV1:
        return "P_ACK_V1";
    case Opcode::DataV1:
        return "P_DATA_V1";
    case Opcode::ControlHardResetClientV2:
        return "P_CONTROL_HARD_RESET_CLIENT_V2";
    case Opcode::ControlHardResetServerV2:
        return "P_CONTROL_HARD_RESET_SERVER_V2";
    case Opcode::DataV2:
        return "P_DATA_V2";
    case Opcode::ControlHardResetClientV3:
        return "P_CONTROL_HARD_RESET_CLIENT_V3";
    case Opcode::ControlWkcV1:
        return "P_CONTROL_WKC_V1";
    }
    return "P_UNKNOWN";
}

} // namespace ovpn::wire
