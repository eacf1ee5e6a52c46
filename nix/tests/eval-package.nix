# Evaluates nix/package.nix against the stub lib and pkgs: catches an undefined name or a wrong argument, and
# prints what buildMavenPackage is given (the source is left out: forcing it would copy the tree into a store).
#   nix-instantiate --eval --strict --json nix/tests/eval-package.nix
let
  lib = import ./lib.nix // {
    fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    platforms.linux = [ "x86_64-linux" "aarch64-linux" ];
  };
  pkgs = import ./pkgs.nix { inherit lib; };
  package = import ../package.nix { inherit lib; inherit (pkgs) maven makeWrapper jre_headless; };
in
removeAttrs package.args [ "src" ]
