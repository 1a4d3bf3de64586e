package io.vigil.simulators.proxmox;

import java.util.Map;
import java.util.regex.Pattern;

/** Parameter checks with the messages PVE's JSON-schema validation gives (400 + errors map). */
final class ProxmoxParams {

    private static final Pattern DNS_NAME = Pattern.compile(
            "^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])\\.)*"
                    + "(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\\-]*[A-Za-z0-9])$");

    private ProxmoxParams() {
    }

    static int vmid(String name, String value) {
        int vmid;
        try {
            vmid = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ApiError.param(name, "type check ('integer') failed - got '" + value + "'");
        }
        if (vmid < 100) {
            throw ApiError.param(name, "value must have a minimum value of 100");
        }
        if (vmid > 999_999_999) {
            throw ApiError.param(name, "value must have a maximum value of 999999999");
        }
        return vmid;
    }

    static int requiredVmid(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw ApiError.param(name, "property is missing and it is not optional");
        }
        return vmid(name, value);
    }

    static boolean bool(Map<String, String> params, String name, boolean defaultValue) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.toLowerCase()) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw ApiError.param(name, "type check ('boolean') failed - got '" + value + "'");
        };
    }

    static String dnsName(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value != null && !DNS_NAME.matcher(value).matches()) {
            throw ApiError.param(name, "invalid format - value does not look like a valid DNS name");
        }
        return value;
    }
}
