{
  description = "btblocker: finds BitTorrent traffic on a Linux gateway and blocks it inline";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAll = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAll (pkgs: rec {
        btblocker = pkgs.callPackage ./nix/package.nix { };
        default = btblocker;
      });
      # imports = [ btblocker.nixosModules.default ]; services.btblocker.enable = true;
      nixosModules.default = ./nix/module.nix;
      nixosModules.btblocker = ./nix/module.nix;
      checks = forAll (pkgs: { e2e = import ./nix/tests/e2e.nix { inherit pkgs; }; });
    };
}
