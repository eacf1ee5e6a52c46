# Evaluates nix/module.nix for one host configuration, the way NixOS would, against the stub lib in this folder:
# every definition is checked against its option's type (and an undeclared option is an error), defaults are
# filled in and checked too, the module's `config` is resolved (mkIf, mkMerge) and its assertions are enforced with
# NixOS' "Failed assertions" message.
#
#   nix-instantiate --eval --strict --json nix/tests/eval.nix \
#     --arg host '{ services.btblocker = { enable = true; queueNum = 1; }; }'
#
# Prints { options, config, files }: `options` is the option table ("metrics.port" -> type, default), `config`
# what the module sets (systemd.services.btblocker, boot.kernelModules, ...), `files` the text of each
# environment.etc file it writes.
{ host ? { }, module ? ../module.nix }:
let
  inherit (builtins)
    attrNames concatStringsSep filter foldl' head isAttrs isBool isList mapAttrs toJSON typeOf;
  lib = import ./lib.nix;
  pkgs = import ./pkgs.nix { inherit lib; };

  hostDefaults = {
    networking = { firewall.enable = true; nftables.enable = false; };
  };
  config = lib.recursiveUpdate hostDefaults host // {
    services = (host.services or { }) // { btblocker = cfg; };
  };

  declared = import module { inherit config lib pkgs; };
  decls = declared.options.services.btblocker;
  cfg = evalOptions "services.btblocker" decls (host.services.btblocker or { });

  show = v: if typeOf v == "set" then "an attribute set" else "${typeOf v} ${toJSON v}";

  checked = path: type: value:
    if type.check value then value
    else throw "The option `${path}' has a wrong type: expected ${type.description}, got ${show value}.";

  evalOptions = prefix: decls: defs:
    let unknown = filter (n: !(decls ? ${n})) (attrNames defs);
    in
    if !isAttrs defs then throw "The option `${prefix}' is a group of options, got ${show defs}."
    else if unknown != [ ] then throw "The option `${prefix}.${head unknown}' does not exist."
    else mapAttrs
      (name: decl:
        let path = "${prefix}.${name}"; in
        if lib.isOption decl then
          (if defs ? ${name} then checked path decl.type defs.${name}
           else if decl ? default then checked path decl.type decl.default
           else throw "The option `${path}' is used but not defined.")
        else evalOptions path decl (defs.${name} or { }))
      decls;

  # The option table, flattened to dotted names.
  table = prefix: decls: foldl' (acc: name:
    let decl = decls.${name}; path = if prefix == "" then name else "${prefix}.${name}"; in
    acc // (if lib.isOption decl then {
      ${path} = {
        type = decl.type.description;
        typeName = decl.type.name;
        elemType = if decl.type.elemType == null then null else decl.type.elemType.name;
        default = if decl.type.name == "package" then decl.defaultText.text else decl.default;
        description = decl.description;
      };
    } else table path decl)) { } (attrNames decls);

  absent = { _type = "absent"; };
  isKind = kind: v: isAttrs v && (v._type or null) == kind;

  merge = a: b:
    if isKind "absent" a then b
    else if isKind "absent" b then a
    else if isList a && isList b then a ++ b
    else if isAttrs a && isAttrs b && !lib.isDerivation a && !lib.isDerivation b then
      foldl' (acc: n: acc // { ${n} = if acc ? ${n} then merge acc.${n} b.${n} else b.${n}; }) a (attrNames b)
    else throw "conflicting definitions: ${show a} and ${show b}";

  resolve = v:
    if isKind "if" v then
      (if !isBool v.condition then throw "mkIf called with a non-Boolean condition"
       else if v.condition then resolve v.content else absent)
    else if isKind "merge" v then foldl' merge absent (map resolve v.contents)
    else if isKind "override" v then resolve v.content
    else if isAttrs v && !lib.isDerivation v then
      lib.filterAttrs (_: x: !isKind "absent" x) (mapAttrs (_: resolve) v)
    else v;

  resolved = resolve declared.config;
  result = if isKind "absent" resolved then { } else resolved;
  failed = map (a: a.message) (filter (a: !a.assertion) (result.assertions or [ ]));
in
# every option is checked, the ones this configuration never reads too: NixOS would only see those lazily
builtins.deepSeq cfg (
if failed != [ ] then throw "Failed assertions:\n${concatStringsSep "\n" (map (m: "- ${m}") failed)}"
else {
  options = table "" decls;
  config = removeAttrs result [ "assertions" ];
  files = mapAttrs (_: f: f.text or f.source.text) (result.environment.etc or { });
}
)
