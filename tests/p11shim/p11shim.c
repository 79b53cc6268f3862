/*
 * A PKCS#11 shim for the tests: forwards every call to a real module (SoftHSM2) and injects the token faults
 * SoftHSM2 cannot produce. The real module is named by VISTA_SHIM_TARGET; the fault is read, at each call, from
 * the file named by VISTA_SHIM_CONTROL (empty or absent: no fault):
 *   pin_locked      C_Login fails with CKR_PIN_LOCKED and the token reports CKF_USER_PIN_LOCKED
 *   final_try       C_Login fails with CKR_PIN_INCORRECT and the token reports CKF_USER_PIN_FINAL_TRY
 *   pinpad_cancel   the token has a PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH); C_Login is cancelled
 *   removed         signing fails with CKR_DEVICE_REMOVED: the token was pulled out mid-signature
 *   device_error    signing fails with CKR_DEVICE_ERROR
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST_PTR real;
static CK_FUNCTION_LIST shim;

static int fault(const char *name) {
    const char *control = getenv("VISTA_SHIM_CONTROL");
    char buffer[64] = {0};
    FILE *fh;
    if (!control || !(fh = fopen(control, "r"))) return 0;
    size_t n = fread(buffer, 1, sizeof buffer - 1, fh);
    fclose(fh);
    while (n > 0 && (buffer[n - 1] == '\n' || buffer[n - 1] == ' ')) buffer[--n] = 0;
    return strcmp(buffer, name) == 0;
}

static CK_RV shim_initialize(CK_VOID_PTR args) {
    CK_RV rv = real->C_Initialize(args);
    return rv == CKR_CRYPTOKI_ALREADY_INITIALIZED ? CKR_OK : rv;
}

static CK_RV shim_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
    CK_RV rv = real->C_GetTokenInfo(slot, info);
    if (rv != CKR_OK) return rv;
    if (fault("pin_locked")) info->flags |= CKF_USER_PIN_LOCKED;
    if (fault("final_try")) info->flags |= CKF_USER_PIN_FINAL_TRY;
    if (fault("pinpad_cancel")) info->flags |= CKF_PROTECTED_AUTHENTICATION_PATH;
    return CKR_OK;
}

static CK_RV shim_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
    if (fault("pin_locked")) return CKR_PIN_LOCKED;
    if (fault("final_try")) return CKR_PIN_INCORRECT;
    if (fault("pinpad_cancel")) return CKR_FUNCTION_CANCELED;
    return real->C_Login(session, user, pin, len);
}

static CK_RV signing_fault(void) {
    if (fault("removed")) return CKR_DEVICE_REMOVED;
    if (fault("device_error")) return CKR_DEVICE_ERROR;
    return CKR_OK;
}

static CK_RV shim_sign(CK_SESSION_HANDLE s, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len) {
    CK_RV rv = signing_fault();
    return rv != CKR_OK ? rv : real->C_Sign(s, data, len, sig, sig_len);
}

static CK_RV shim_sign_final(CK_SESSION_HANDLE s, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len) {
    CK_RV rv = signing_fault();
    return rv != CKR_OK ? rv : real->C_SignFinal(s, sig, sig_len);
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
    if (!real) {
        const char *target = getenv("VISTA_SHIM_TARGET");
        void *handle = target ? dlopen(target, RTLD_NOW | RTLD_LOCAL) : NULL;
        CK_RV (*get)(CK_FUNCTION_LIST_PTR_PTR);
        if (!handle) return CKR_GENERAL_ERROR;
        get = (CK_RV (*)(CK_FUNCTION_LIST_PTR_PTR))dlsym(handle, "C_GetFunctionList");
        if (!get || get(&real) != CKR_OK) return CKR_GENERAL_ERROR;
        shim = *real;
        shim.C_Initialize = shim_initialize;
        shim.C_GetTokenInfo = shim_get_token_info;
        shim.C_Login = shim_login;
        shim.C_Sign = shim_sign;
        shim.C_SignFinal = shim_sign_final;
    }
    *list = &shim;
    return CKR_OK;
}
