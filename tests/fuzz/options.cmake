# Fuzz target for the config lexer and the option table (options/).
ovpn_fuzz_target(NAME options_lexer SOURCE ${CMAKE_CURRENT_LIST_DIR}/options_lexer.cpp DEPS ovpn_options)
