# A minimal stand-in for nixpkgs' `lib`, for checking nix/module.nix where nixpkgs cannot be fetched.
#
# It holds only what the module and nix/tests/eval.nix use. The types check values the way nixpkgs' do (an int is
# not a float, a port is 0..65535, a list of ports rejects a string in it), so a default or an example that NixOS
# would refuse is refused here too. It does not merge several definitions of one option or know priorities: the
# evaluator takes one definition per option, as the seed's examples give them.
let
  inherit (builtins)
    all attrNames concatStringsSep elem filter foldl' genList head isAttrs isBool isFloat isFunction isInt isList
    isPath isString length listToAttrs mapAttrs stringLength substring tail toJSON typeOf;

  mkType = { name, description, check, elemType ? null }: {
    _type = "option-type";
    inherit name description check elemType;
  };

  isDerivation = v: isAttrs v && (v.type or null) == "derivation";

  hasPrefix = prefix: s: substring 0 (stringLength prefix) s == prefix;

  isJson = v:
    v == null || isBool v || isInt v || isFloat v || isString v || isPath v
    || (isList v && all isJson v)
    || (isAttrs v && !isDerivation v && all (n: isJson v.${n}) (attrNames v));

  between = lo: hi: mkType {
    name = "intBetween";
    description = "integer between ${toString lo} and ${toString hi} (both inclusive)";
    check = v: isInt v && v >= lo && v <= hi;
  };

  types = rec {
    bool = mkType { name = "bool"; description = "boolean"; check = isBool; };
    int = mkType { name = "int"; description = "signed integer"; check = isInt; };
    float = mkType { name = "float"; description = "floating point number"; check = isFloat; };
    str = mkType { name = "str"; description = "string"; check = isString; };
    # nixpkgs: a path value, or a string that is an absolute path
    path = mkType {
      name = "path";
      description = "path";
      check = v: isPath v || (isString v && hasPrefix "/" v);
    };
    package = mkType { name = "package"; description = "package"; check = isDerivation; };
    port = mkType {
      name = "port";
      description = "16 bit unsigned integer; between 0 and 65535 (both inclusive)";
      check = v: isInt v && v >= 0 && v <= 65535;
    };
    ints = {
      inherit between;
      unsigned = mkType { name = "unsignedInt"; description = "unsigned integer"; check = v: isInt v && v >= 0; };
      positive = mkType { name = "positiveInt"; description = "positive integer"; check = v: isInt v && v > 0; };
    };
    # nixpkgs' `attrs`: any attribute set (not a derivation)
    attrs = mkType { name = "attrs"; description = "attribute set"; check = v: isAttrs v && !isDerivation v; };
    # the value type of `pkgs.formats.json { }`: what builtins.toJSON can write
    json = mkType { name = "json"; description = "JSON value"; check = isJson; };
    listOf = t: mkType {
      name = "listOf";
      description = "list of ${t.description}";
      check = v: isList v && all t.check v;
      elemType = t;
    };
    attrsOf = t: mkType {
      name = "attrsOf";
      description = "attribute set of ${t.description}";
      check = v: isAttrs v && !isDerivation v && all (n: t.check v.${n}) (attrNames v);
      elemType = t;
    };
    nullOr = t: mkType {
      name = "nullOr";
      description = "null or ${t.description}";
      check = v: v == null || t.check v;
      elemType = t;
    };
    enum = values: mkType {
      name = "enum";
      description = "one of ${concatStringsSep ", " (map toJSON values)}";
      check = v: elem v values;
    };
  };

  # nixpkgs' mkOption accepts more; this one insists on the two fields every option of ours must carry.
  mkOption = { type, description, ... }@args:
    if !isAttrs type || (type._type or null) != "option-type"
    then throw "mkOption: `type' must be one of lib.types"
    else args // { _type = "option"; };

  isOption = v: isAttrs v && (v._type or null) == "option";

  mkEnableOption = name: mkOption {
    type = types.bool;
    default = false;
    example = true;
    description = "Whether to enable ${name}.";
  };

  mkIf = condition: content: { _type = "if"; inherit condition content; };
  mkMerge = contents: { _type = "merge"; inherit contents; };
  mkDefault = content: { _type = "override"; priority = 1000; inherit content; };
  mkForce = content: { _type = "override"; priority = 50; inherit content; };

  optional = cond: x: if cond then [ x ] else [ ];
  optionals = cond: xs: if cond then xs else [ ];
  optionalAttrs = cond: as: if cond then as else { };
  optionalString = cond: s: if cond then s else "";

  filterAttrs = pred: set:
    listToAttrs (map (name: { inherit name; value = set.${name}; })
      (filter (name: pred name set.${name}) (attrNames set)));

  # as nixpkgs: nested attribute sets are merged, anything else in `rhs` replaces what `lhs` has
  recursiveUpdate = lhs: rhs:
    lhs // mapAttrs
      (name: r: if isAttrs r && !isDerivation r && lhs ? ${name} && isAttrs lhs.${name} && !isDerivation lhs.${name}
        then recursiveUpdate lhs.${name} r else r)
      rhs;

  intersectLists = a: b: filter (x: elem x a) b;
  concatMapStringsSep = sep: f: xs: concatStringsSep sep (map f xs);
  literalExpression = text: { _type = "literalExpression"; inherit text; };

  # lib.escapeShellArg: every argument single-quoted unless it is made of safe characters only
  escapeShellArg = arg:
    let s = toString arg;
    in if builtins.match "[[:alnum:],._+:@%/-]+" s != null then s
       else "'${builtins.replaceStrings [ "'" ] [ "'\\''" ] s}'";
  escapeShellArgs = args: concatStringsSep " " (map escapeShellArg args);

  getExe = drv:
    if drv ? meta.mainProgram then "${drv}/bin/${drv.meta.mainProgram}"
    else throw "getExe: ${drv.name or "package"} has no meta.mainProgram";
in
{
  inherit types mkOption isOption mkEnableOption mkIf mkMerge mkDefault mkForce optional optionals optionalAttrs
    optionalString filterAttrs recursiveUpdate intersectLists concatMapStringsSep literalExpression escapeShellArg
    escapeShellArgs getExe isDerivation hasPrefix;
  inherit (builtins) attrNames concatStringsSep elem length head mapAttrs;
}
