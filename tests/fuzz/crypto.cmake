# Fuzz targets for the crypto layer (owner: wire). Corpora in corpus/<name>/.
foreach(_t crypto_key_files crypto_data)
  ovpn_fuzz_target(NAME ${_t} SOURCE ${CMAKE_CURRENT_LIST_DIR}/${_t}.cpp DEPS ovpn_crypto ovpn_wire)
endforeach()
