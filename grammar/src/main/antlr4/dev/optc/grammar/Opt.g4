// The Opt language: optimizers as update equations, models as tensor expressions,
// objectives as differentiable functions, and recipes that say how to train.
grammar Opt;

program
    : importDecl* declaration* EOF
    ;

importDecl
    : IMPORT STRING SEMI?
    ;

declaration
    : optimizerDecl
    | modelDecl
    | objectiveDecl
    | recipeDecl
    ;

// ---- optimizers ------------------------------------------------------------------------------

optimizerDecl
    : OPTIMIZER name=IDENT LPAREN paramList? RPAREN LBRACE optimizerStatement* RBRACE
    ;

optimizerStatement
    : STATE stateInit (COMMA stateInit)* SEMI?                          # stateStatement
    | LET name=IDENT ASSIGN expr SEMI?                                   # letStatement
    | LOOKAHEAD expr SEMI?                                               # lookaheadStatement
    | target=IDENT op=(ASSIGN | PLUS_ASSIGN | MINUS_ASSIGN | TIMES_ASSIGN | DIV_ASSIGN) expr SEMI?  # updateStatement
    ;

stateInit
    : name=IDENT ASSIGN expr
    ;

// ---- models and objectives -------------------------------------------------------------------

modelDecl
    : MODEL name=IDENT LPAREN paramList? RPAREN (ARROW output=expr)? LBRACE bodyStatement* RBRACE
    ;

objectiveDecl
    : OBJECTIVE name=IDENT LPAREN paramList? RPAREN LBRACE bodyStatement* RBRACE
    ;

bodyStatement
    : name=IDENT ASSIGN expr SEMI?                                       # bindStatement
    | RETURN expr SEMI?                                                  # returnStatement
    ;

// `lr = 0.001`, `x: 784`, `x: 2 = [3, -2]`, `X: data`
paramList
    : param (COMMA param)* COMMA?
    ;

param
    : name=IDENT (COLON type=expr)? (ASSIGN value=expr)?
    ;

// ---- recipes ---------------------------------------------------------------------------------

recipeDecl
    : RECIPE name=IDENT LBRACE setting* RBRACE
    ;

setting
    : name=settingName ASSIGN expr SEMI?
    ;

// Setting and argument names may be words that are keywords elsewhere: `model = Mlp`, `optimizer = sgd()`.
settingName
    : IDENT | MODEL | OPTIMIZER | OBJECTIVE | RECIPE | STATE | LET | LOOKAHEAD | IMPORT | RETURN
    ;

// ---- expressions ---------------------------------------------------------------------------
// Precedence follows the order of the alternatives: earlier binds tighter.

expr
    : primary                                                            # primaryExpr
    | expr DOT IDENT                                                     # memberExpr
    | expr LBRACK expr (COMMA expr)* RBRACK                              # indexExpr
    | <assoc=right> expr CARET expr                                      # powerExpr
    | op=(MINUS | NOT) expr                                              # unaryExpr
    | expr op=(STAR | SLASH | AT) expr                                   # multiplicativeExpr
    | expr op=(PLUS | MINUS) expr                                        # additiveExpr
    | expr op=(LT | LE | GT | GE | EQ | NE) expr                         # comparisonExpr
    | expr AND expr                                                      # andExpr
    | expr OR expr                                                       # orExpr
    | <assoc=right> expr QUESTION expr COLON expr                        # conditionalExpr
    ;

primary
    : NUMBER                                                             # numberLiteral
    | QUANTITY                                                           # quantityLiteral
    | STRING                                                             # stringLiteral
    | (TRUE | FALSE)                                                     # booleanLiteral
    | IDENT LPAREN argumentList? RPAREN                                  # callExpr
    | IDENT                                                              # nameExpr
    | LPAREN expr RPAREN                                                 # parenExpr
    | LBRACK (listElement (COMMA listElement)* COMMA?)? RBRACK           # listExpr
    ;

// `adam(lr: 1e-3) for [h1, h2]` assigns a value to some layers only (per-layer optimizer groups)
listElement
    : expr (FOR targets=expr)?
    ;

argumentList
    : argument (COMMA argument)* COMMA?
    ;

argument
    : (name=settingName COLON)? expr
    ;

// ---- lexer -----------------------------------------------------------------------------------

IMPORT    : 'import';
OPTIMIZER : 'optimizer';
MODEL     : 'model';
OBJECTIVE : 'objective';
RECIPE    : 'recipe';
STATE     : 'state';
LET       : 'let';
LOOKAHEAD : 'lookahead';
RETURN    : 'return';
FOR       : 'for';
TRUE      : 'true';
FALSE     : 'false';

ARROW        : '->';
PLUS_ASSIGN  : '+=';
MINUS_ASSIGN : '-=';
TIMES_ASSIGN : '*=';
DIV_ASSIGN   : '/=';
EQ           : '==';
NE           : '!=';
LE           : '<=';
GE           : '>=';
AND          : '&&';
OR           : '||';
ASSIGN       : '=';
LT           : '<';
GT           : '>';
PLUS         : '+';
MINUS        : '-';
STAR         : '*';
SLASH        : '/';
AT           : '@';
CARET        : '^';
NOT          : '!';
QUESTION     : '?';
COLON        : ':';
COMMA        : ',';
DOT          : '.';
SEMI         : ';';
LPAREN       : '(';
RPAREN       : ')';
LBRACK       : '[';
RBRACK       : ']';
LBRACE       : '{';
RBRACE       : '}';

// A number and its unit on one line: `20 epochs`, `500 steps`. A unit is part of the literal, so a
// setting on the next line is never read as a unit.
QUANTITY : NUMBER_BODY [ \t]+ ('epochs' | 'epoch' | 'steps' | 'step') ;
NUMBER   : NUMBER_BODY ;
STRING   : '"' (~["\\\r\n] | '\\' .)* '"' ;
IDENT    : [a-zA-Z_] [a-zA-Z_0-9]* ;

fragment NUMBER_BODY : DIGITS ('.' DIGITS?)? EXPONENT? | '.' DIGITS EXPONENT? ;
fragment DIGITS      : [0-9]+ ;
fragment EXPONENT    : [eE] [+-]? DIGITS ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);
WS            : [ \t\r\n\f]+ -> channel(HIDDEN);

// Anything else is reported by the parser as an unexpected character, with its position.
UNKNOWN_CHAR  : . ;
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' .)* ;
