package io.vigil.core.template;

public enum OsType { WINDOWS, LINUX, KALI }
