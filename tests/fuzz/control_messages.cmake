# Fuzz targets for the control-channel text and key-exchange parsers.
ovpn_fuzz_target(NAME control_key_method2 SOURCE ${CMAKE_CURRENT_LIST_DIR}/control_key_method2.cpp
                 DEPS ovpn_wire)
ovpn_fuzz_target(NAME control_push_message SOURCE ${CMAKE_CURRENT_LIST_DIR}/control_push_message.cpp
                 DEPS ovpn_wire)
