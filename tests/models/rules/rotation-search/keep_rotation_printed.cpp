#include <iostream>
#include <string>
using namespace std;

int main() {
    string s = "abcde", t = "zzzzz";
    for (int i = 0; i < 7; i++) {
        if (s == t) break;
        s = s.substr(1) + s[0];
    }
    cout << s << "\n";  // 7 rotations of 5 letters: not where a full turn leaves it
}
