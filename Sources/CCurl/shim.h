#ifndef CAPSULE_GATE_CCURL_SHIM_H
#define CAPSULE_GATE_CCURL_SHIM_H

#include <curl/curl.h>

#ifdef __linux__
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#endif

/* Swift cannot call C variadic functions, so each option type gets a typed wrapper. */

static inline CURLcode cg_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cg_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cg_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cg_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cg_easy_setopt_write_function(CURL *handle, size_t (*fn)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, fn);
}

static inline CURLcode cg_easy_setopt_header_function(CURL *handle, size_t (*fn)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, fn);
}

static inline CURLcode cg_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode cg_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode cg_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode cg_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

static inline CURLcode cg_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cg_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode cg_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

/* The CURLcode stored in a CURLMSG_DONE message (a union member Swift cannot name portably). */
static inline CURLcode cg_multi_msg_result(const CURLMsg *message) {
    return message->data.result;
}

static inline CURLMcode cg_multi_setopt_pointer(CURLM *handle, CURLMoption option, void *value) {
    return curl_multi_setopt(handle, option, value);
}

static inline CURLMcode cg_multi_setopt_socket_function(CURLM *handle, curl_socket_callback fn) {
    return curl_multi_setopt(handle, CURLMOPT_SOCKETFUNCTION, fn);
}

static inline CURLMcode cg_multi_setopt_timer_function(CURLM *handle, curl_multi_timer_callback fn) {
    return curl_multi_setopt(handle, CURLMOPT_TIMERFUNCTION, fn);
}

#ifdef __linux__
/* epoll and eventfd for the socket-action loop. Glibc's Swift module does not export <sys/epoll.h>, and
   struct epoll_event is packed on x86_64, so Swift sees only these plain wrappers. */

/* A ready descriptor as epoll_wait reported it. */
typedef struct {
    int fd;
    uint32_t events;
} cg_ready_descriptor;

static const uint32_t CG_EPOLL_IN = EPOLLIN;
static const uint32_t CG_EPOLL_OUT = EPOLLOUT;
static const uint32_t CG_EPOLL_ERR = EPOLLERR;
static const uint32_t CG_EPOLL_HUP = EPOLLHUP;
static const int CG_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
static const int CG_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
static const int CG_EPOLL_CTL_DEL = EPOLL_CTL_DEL;
#define CG_MAX_READY 128

/* A close-on-exec epoll instance, or -1. */
static inline int cg_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

/* epoll_ctl with the descriptor itself as the event's data; 0, or errno on failure. */
static inline int cg_epoll_control(int epoll, int operation, int fd, uint32_t events) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = 0;
    event.data.fd = fd;
    return epoll_ctl(epoll, operation, fd, &event) == 0 ? 0 : errno;
}

/* epoll_wait into up to CG_MAX_READY plain records; the count, or -1 (EINTR is reported as 0). */
static inline int cg_epoll_wait(int epoll, cg_ready_descriptor *ready, int capacity, int timeout_ms) {
    struct epoll_event events[CG_MAX_READY];
    if (capacity > CG_MAX_READY) capacity = CG_MAX_READY;
    int count = epoll_wait(epoll, events, capacity, timeout_ms);
    if (count < 0) return errno == EINTR ? 0 : -1;
    for (int i = 0; i < count; i++) {
        ready[i].fd = events[i].data.fd;
        ready[i].events = events[i].events;
    }
    return count;
}

/* A close-on-exec, non-blocking eventfd, or -1. */
static inline int cg_eventfd_create(void) {
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

/* Adds 1 to the eventfd's counter, making it readable. */
static inline void cg_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t written = write(fd, &one, sizeof one);
    (void)written;
}

/* Resets the eventfd's counter to 0. */
static inline void cg_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t got = read(fd, &value, sizeof value);
    (void)got;
}
#endif

#endif
