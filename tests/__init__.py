"""The test suite, one package: helpers are imported as ``tests.…`` modules, never from sys.path tricks."""
