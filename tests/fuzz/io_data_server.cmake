# Fuzz targets for io/ (TCP framing, proxy replies), data/ (fragment
# reassembly) and server/ (the pool-persist reader). Corpora in corpus/<name>/.
ovpn_fuzz_target(NAME io_tcp_framing SOURCE ${CMAKE_CURRENT_LIST_DIR}/io_tcp_framing.cpp DEPS ovpn_io)
ovpn_fuzz_target(NAME io_proxy_reply SOURCE ${CMAKE_CURRENT_LIST_DIR}/io_proxy_reply.cpp DEPS ovpn_io)
ovpn_fuzz_target(NAME data_fragment SOURCE ${CMAKE_CURRENT_LIST_DIR}/data_fragment.cpp DEPS ovpn_data)
ovpn_fuzz_target(NAME server_pool_persist SOURCE ${CMAKE_CURRENT_LIST_DIR}/server_pool_persist.cpp
                 DEPS ovpn_server)
