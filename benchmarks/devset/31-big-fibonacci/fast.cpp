#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    cin >> n;
    const unsigned BASE = 1000000000;
    vector<unsigned> a = {0}, b = {1};
    a.reserve(n / 9 + 4), b.reserve(n / 9 + 4);
    for (int i = 0; i < n; i++) {
        // a, b = b, a + b, in place: a += b then swap
        unsigned carry = 0;
        if (a.size() < b.size()) a.resize(b.size(), 0);
        for (size_t k = 0; k < a.size(); k++) {
            unsigned s = a[k] + (k < b.size() ? b[k] : 0) + carry;
            carry = s >= BASE;
            a[k] = carry ? s - BASE : s;
        }
        if (carry) a.push_back(1);
        swap(a, b);
    }
    char buf[16];
    string s = to_string(a.back());
    for (int i = (int)a.size() - 2; i >= 0; i--) {
        snprintf(buf, sizeof buf, "%09u", a[i]);
        s += buf;
    }
    int digitSum = 0;
    for (char ch : s) digitSum += ch - '0';
    cout << s.size() << " " << digitSum << " " << s.substr(0, 20) << endl;
}
