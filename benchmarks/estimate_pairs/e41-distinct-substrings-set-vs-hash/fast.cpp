#include <bits/stdc++.h>
using namespace std;

int main() {
    string s; int k; cin >> s >> k; vector<unsigned long long> h; unsigned long long x = 0, p = 1;
    for (int i = 0; i < k; i++) p *= 1000003ULL;
    for (size_t i = 0; i < s.size(); i++) { x = x * 1000003ULL + (unsigned char)s[i]; if (i >= (size_t)k) x -= p * (unsigned char)s[i - k]; if (i + 1 >= (size_t)k) h.push_back(x); }
    sort(h.begin(), h.end()); cout << unique(h.begin(), h.end()) - h.begin() << "\n";
}
