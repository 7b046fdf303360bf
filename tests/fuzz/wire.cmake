# Fuzz targets for the wire layer (owner: wire). Corpora in corpus/<name>/.
foreach(_t wire_control wire_tls_auth wire_tls_crypt wire_tls_crypt_v2 wire_compress)
  ovpn_fuzz_target(NAME ${_t} SOURCE ${CMAKE_CURRENT_LIST_DIR}/${_t}.cpp DEPS ovpn_wire ovpn_crypto)
endforeach()
