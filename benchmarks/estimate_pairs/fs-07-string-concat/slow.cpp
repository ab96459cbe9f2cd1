#include <iostream>
#include <string>
using namespace std;

int main() {
    int n;
    cin >> n;
    string s;
    for (int i = 0; i < n; i++) {
        s = s + char('a' + i % 26);
    }
    long long h = 0;
    for (char c : s) h = (h * 31 + c) % 1000000007;
    cout << s.size() << " " << h << "\n";
    return 0;
}
