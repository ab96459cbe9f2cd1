// examples/string_build, fast: append in place (amortised linear).
#include <iostream>
#include <string>
using namespace std;

int main() {
    int n;
    cin >> n;
    string s;
    for (int i = 1; i <= n; i++) s += to_string(i);
    unsigned long long h = 0;
    for (size_t i = 0; i < s.size(); i++) h = h * 131 + (unsigned char)s[i];
    cout << s.size() << ' ' << h << '\n';
    return 0;
}
