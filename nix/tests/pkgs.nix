# A stand-in for the few nixpkgs attributes nix/module.nix and nix/package.nix name. Packages are inert
# derivation-shaped sets (`type = "derivation"`, an `outPath`), so the module's rendering can be evaluated and
# printed; nothing here builds anything.
{ lib }:
let
  fakePackage = name: {
    type = "derivation";
    inherit name;
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
    meta.mainProgram = name;
  };
in
{
  inherit lib;
  iptables = fakePackage "iptables";
  ipset = fakePackage "ipset";
  conntrack-tools = fakePackage "conntrack-tools";
  nftables = fakePackage "nftables";
  jre_headless = fakePackage "openjdk-headless";
  makeWrapper = fakePackage "make-wrapper";

  # the text stays readable (eval.nix prints the files the module writes); the path is derived from it
  writeText = name: text: fakePackage name // {
    inherit text;
    outPath = "/nix/store/${builtins.hashString "sha256" text}-${name}";
  };

  formats.json = { }: {
    type = lib.types.json;
    generate = name: value: throw "pkgs.formats.json.generate is not in the stub: write builtins.toJSON";
  };

  # package.nix is evaluated on its own by eval-package.nix; a module that asks for it gets an inert package
  callPackage = path: args: fakePackage "btblocker";

  maven.buildMavenPackage = args: fakePackage "${args.pname}-${args.version}" // { inherit args; };
}
