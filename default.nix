# nix-build -A package                 the btblocker command (nix/package.nix)
# nix-build -A test                    the three-node NixOS VM test (nix/tests/e2e.nix)
# imports = [ ./nix/module.nix ];      the NixOS module (services.btblocker), also as the `module` attribute
{ pkgs ? import <nixpkgs> { } }:
{
  package = pkgs.callPackage ./nix/package.nix { };
  module = ./nix/module.nix;
  test = import ./nix/tests/e2e.nix { inherit pkgs; };
}
