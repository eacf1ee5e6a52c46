# Evaluates nix/tests/e2e.nix with runNixOSTest replaced by the identity: every name it uses must exist, each node
# is called with the stub pkgs, and the gateway's services.btblocker goes through eval.nix (types, assertions),
# so the VM test's configuration is one the module accepts.
#   nix-instantiate --eval --strict --json nix/tests/eval-e2e.nix
let
  lib = import ./lib.nix;
  stub = import ./pkgs.nix { inherit lib; };
  fake = name: stub.writeText name name;
  pkgs = stub // {
    python3 = fake "python3";
    curl = fake "curl";
    testers.runNixOSTest = test: test;
  };
  test = import ./e2e.nix { inherit pkgs; };
  nodes = builtins.mapAttrs (_: node: node { inherit pkgs lib; config = { }; }) test.nodes;
  gateway = import ./eval.nix { host = { services.btblocker = nodes.gateway.services.btblocker; }; };
in
{
  inherit (test) name testScript;
  nodeNames = builtins.attrNames nodes;
  gatewayImports = map toString nodes.gateway.imports;
  gatewayFiles = gateway.files;
  gatewayInterfaces = nodes.gateway.services.btblocker.interfaces;
}
