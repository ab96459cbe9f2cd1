#include <iostream>
#include <string>
using namespace std;

int main() {
    string s = "abcabc";
    string part = s.substr(1, 2);
    cout << (part == "bc") << " " << (s.substr(0, 3) < "b") << "\n";
}
