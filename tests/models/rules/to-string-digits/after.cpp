#include <iostream>
#include <string>
using namespace std;

static inline char pie_first_digit(long long x) {  // to_string(x).front()
    if (x < 0) return '-';
    while (x >= 10) x /= 10;
    return (char)('0' + x);
}
static inline char pie_last_digit(long long x) {  // to_string(x).back()
    return (char)('0' + (x % 10 < 0 ? -(x % 10) : x % 10));
}
static inline std::size_t pie_digit_count(long long x) {  // to_string(x).size()
    std::size_t n = x < 0 ? 2 : 1;
    unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
    while (u >= 10) {
        u /= 10;
        n++;
    }
    return n;
}

int main() {
    int n;
    cin >> n;
    long long pairs = 0, digits = 0;
    for (int i = -n; i <= n; i++) {
        int first = pie_first_digit(i) - '0';
        int last = pie_last_digit(i) - '0';
        if (first == last) pairs++;
        digits += pie_digit_count(i) + (pie_first_digit(i) == '-');
    }
    cout << pairs << " " << digits << "\n";
}
