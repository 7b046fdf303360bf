# Fuzz targets for the management interface (owner: mgmt). mgmt_line: the
# byte stream through LineReader and 2.6's word splitting; mgmt_engine: the
# same bytes as a management client's input to a whole Engine (every
# command, both daemon modes, multi-line blocks, a pending query).
ovpn_fuzz_target(NAME mgmt_line SOURCE ${CMAKE_CURRENT_LIST_DIR}/mgmt_line.cpp DEPS ovpn_mgmt)
ovpn_fuzz_target(NAME mgmt_engine SOURCE ${CMAKE_CURRENT_LIST_DIR}/mgmt_engine.cpp DEPS ovpn_mgmt)
