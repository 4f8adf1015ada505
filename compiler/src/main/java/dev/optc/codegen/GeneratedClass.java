package dev.optc.codegen;

/** A generated class: its binary name (with dots) and its bytes. */
public record GeneratedClass(String name, byte[] bytes) {
}
