#include <algorithm>
#include <iostream>
#include <string>
using namespace std;

int main() {
    string s;
    cin >> s;
    int palindromic_prefixes = 0;
    for (size_t len = 1; len <= s.size(); len++) {
        string prefix = s.substr(0, len);
        string reversed = prefix;
        reverse(reversed.begin(), reversed.end());
        if (prefix == reversed) palindromic_prefixes++;
    }
    cout << palindromic_prefixes << "\n";
    return 0;
}
