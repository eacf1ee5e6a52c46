# The btblocker command, built with nixpkgs' Maven (not ./mvnw, which downloads Maven itself).
#
#   nix-build -A package        # from the repository root (default.nix)
#
# mvnHash pins the Maven dependencies (a fixed-output derivation). After a change of any pom.xml, build once with
# lib.fakeHash; the error prints the hash to put here.
{ lib, maven, makeWrapper, jre_headless }:

maven.buildMavenPackage {
  pname = "btblocker";
  version = "0.1.0";

  src = builtins.path {
    name = "btblocker-source";
    path = ./..;
    # build outputs and VCS metadata would change the source hash without changing the build
    filter = path: type: !(builtins.elem (baseNameOf path) [ "target" ".git" "result" ]);
  };

  mvnHash = lib.fakeHash;
  # only the command and what it depends on: examples/ and packaging/ are not part of the package
  mvnParameters = "-pl btblocker-app -am -DskipTests";
  # the unit tests need no root but the ITs do, and the sandbox has neither network namespaces nor NFQUEUE
  doCheck = false;

  nativeBuildInputs = [ makeWrapper ];

  installPhase = ''
    runHook preInstall
    lib=$out/share/btblocker/lib
    mkdir -p "$lib" $out/bin $out/share/doc/btblocker
    for jar in btblocker-app/target/btblocker-app-*.jar; do
      case "$jar" in *-tests.jar | *-sources.jar | *-javadoc.jar) ;; *) cp "$jar" "$lib/" ;; esac
    done
    cp btblocker-app/target/lib/*.jar "$lib/"
    # an explicit class path: store paths have no spaces, and no wildcard is left for the shell to expand
    classpath=$(find "$lib" -name '*.jar' | sort | tr '\n' ':')
    makeWrapper ${jre_headless}/bin/java $out/bin/btblocker \
      --add-flags "-XX:+ExitOnOutOfMemoryError -cp ''${classpath%:} org.btblocker.app.Main"
    cp README.md $out/share/doc/btblocker/
    if [ -f docs/operator.md ]; then cp docs/operator.md $out/share/doc/btblocker/; fi
    runHook postInstall
  '';

  meta = {
    description = "Finds BitTorrent traffic on a Linux gateway and blocks it inline (NFQUEUE + ipset/nftables)";
    mainProgram = "btblocker";
    platforms = lib.platforms.linux;
  };
}
