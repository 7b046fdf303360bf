# ovpn-dco-v2 netlink parsers (notifications, GET_PEER replies, extended ACKs).
ovpn_fuzz_target(NAME dco_notification SOURCE ${CMAKE_CURRENT_LIST_DIR}/dco_notification.cpp DEPS ovpn_dco)
